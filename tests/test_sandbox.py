"""The sandboxed kernel: tiers, refusal below the minimum, the allowlisted environment, the pool."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeact import get_kernel
from codeact.errors import ConfigError
from codeact.kernels.isolation import IsolationReport, Probe, probe
from codeact.kernels.pool import KernelPool
from codeact.kernels.sandbox import Limits, SandboxKernel, _choose_tier


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    os.environ["CODEACT_TEST_CANARY"] = "canary-8c1f"
    with SandboxKernel(tmp_path_factory.mktemp("box"), timeout=5, interrupt_grace=1) as k:
        yield k


def test_this_machine_reaches_the_full_tier() -> None:
    report = probe()
    assert report.tier == "full", report
    assert {p.name for p in report.probes} >= {"bwrap", "namespaces", "cgroups", "rlimits"}


def test_sandbox_is_the_default_kernel() -> None:
    kernel = get_kernel()
    assert isinstance(kernel, SandboxKernel)
    kernel.shutdown()


def test_runs_as_an_unprivileged_uid_in_the_workspace(sandbox: SandboxKernel) -> None:
    uid = sandbox.sandbox_uid
    assert str(sandbox.execute("import os; (os.getuid(), os.getcwd())")) == f"({uid}, '/workspace')"
    if os.geteuid() == 0:  # a host uid of the session's own, not root's
        assert sandbox.host_uid == uid and 61000 <= uid <= 61999
    else:
        assert uid == 1000


def test_environment_is_an_allowlist(sandbox: SandboxKernel) -> None:
    obs = sandbox.execute("import os; sorted(k for k in os.environ if k.startswith('CODEACT'))")
    assert str(obs) == "[]"
    assert "canary-8c1f" not in str(sandbox.execute("import os; dict(os.environ)"))


def test_no_network(sandbox: SandboxKernel) -> None:
    obs = sandbox.execute("import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)")
    assert obs.error is not None and "unreachable" in str(obs)


def test_root_is_read_only_and_host_home_hidden(sandbox: SandboxKernel) -> None:
    assert "Read-only file system" in str(sandbox.execute("open('/usr/x', 'w')"))
    assert (
        str(sandbox.execute("import os; os.path.exists(os.path.expanduser('~root/.bashrc'))"))
        == "False"
    )


def test_workspace_files_are_visible_on_the_host(sandbox: SandboxKernel) -> None:
    sandbox.execute("open('report.txt', 'w').write('from the sandbox')")
    assert (sandbox.workdir / "report.txt").read_text() == "from the sandbox"


def test_process_limit_stops_a_fork_loop(tmp_path: Path) -> None:
    with SandboxKernel(tmp_path, limits=Limits(processes=16), timeout=20) as k:
        code = (
            "import subprocess\nprocs = []\n"
            "try:\n    for _ in range(100):\n"
            "        procs.append(subprocess.Popen(['sleep', '30']))\n"
            "except OSError as e:\n    print('refused after', len(procs), type(e).__name__)\n"
            "for p in procs: p.kill()"
        )
        out = str(k.execute(code))
        assert out.startswith("refused after") and int(out.split()[2]) < 16
        assert str(k.execute("1+1")) == "2"


def test_below_minimum_tier_refuses_with_the_fix() -> None:
    weak = IsolationReport(
        "process", [Probe("bwrap", False, "not installed"), Probe("rlimits", True, "")]
    )
    with pytest.raises(ConfigError, match=r"apt-get install -y bubblewrap.*allow_unsandboxed=True"):
        _choose_tier(weak, "namespaces", allow_unsandboxed=False)
    with pytest.warns(UserWarning, match="WITHOUT namespace isolation"):
        assert _choose_tier(weak, "namespaces", allow_unsandboxed=True) == "process"
    partial = IsolationReport("namespaces", [Probe("cgroups", False, "writable: none")])
    with pytest.raises(ConfigError, match=r"below the required 'full'.*cgroup"):
        _choose_tier(partial, "full", allow_unsandboxed=False)
    with pytest.raises(ConfigError, match="unknown isolation tier"):
        _choose_tier(partial, "titanium", allow_unsandboxed=False)


def test_pool_hands_out_warm_fresh_kernels_and_never_reuses_them() -> None:
    with KernelPool(lambda: SandboxKernel(timeout=5), size=2) as pool:
        assert pool.wait_ready(30)
        started = time.perf_counter()
        first = pool.acquire()
        assert str(first.execute("secret = 41; secret + 1")) == "42"
        assert time.perf_counter() - started < 1.0  # warm: no kernel boot in the way
        second = pool.acquire()
        assert "NameError" in str(second.execute("secret"))
        assert first.workdir != second.workdir
        first.shutdown()
        second.shutdown()
        assert pool.wait_ready(30) and pool.ready == 2


def test_doctor_prints_tier_and_probes() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "codeact", "doctor"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "COLUMNS": "150"},
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "isolation tier: full" in out.stdout
    assert "Network is unreachable" in out.stdout and "'root_fs': 'read-only'" in out.stdout
    for probe_name in ("host uid", "setuid bits", "mount flags", "rlimits", "per-user resources"):
        assert probe_name in out.stdout
    for probe_name in ("cpu share", "kernel surface", "leftovers"):
        assert probe_name in out.stdout
    assert "'setuid': 'blocked" in out.stdout and "'io_uring': 'blocked'" in out.stdout
    assert "'proc_keys': 'masked'" in out.stdout
    if os.geteuid() == 0:  # the uid mapping: a host uid of the session's own
        assert "ran as host uid 61" in out.stdout
    else:
        assert "'uid': 1000" in out.stdout


def test_a_kernel_outlives_the_thread_that_started_it(tmp_path: Path) -> None:
    """bwrap --die-with-parent is a parent-death signal, sent when the starting *thread* exits."""
    import threading

    kernel = SandboxKernel(tmp_path / "w", timeout=10)
    starter = threading.Thread(target=kernel.start)
    starter.start()
    starter.join()
    try:
        time.sleep(0.5)
        assert str(kernel.execute("1+1")) == "2"
        restarter = threading.Thread(target=kernel.restart)
        restarter.start()
        restarter.join()
        time.sleep(0.5)
        assert str(kernel.execute("2+2")) == "4" and kernel.restarts == 1
    finally:
        kernel.shutdown()


def test_a_pool_stops_starting_kernels_when_the_interpreter_exits() -> None:
    """A worker that exits with a kernel start in flight (its launcher threads are going): the pool
    stops filling quietly instead of logging kernels that die at birth, and one retry after
    another."""
    script = (
        "import atexit, logging, time\n"
        "from codeact.kernels.pool import KernelPool\n"
        "from codeact.kernels.sandbox import SandboxKernel\n"
        "logging.basicConfig()\n"
        "pool = KernelPool(lambda: SandboxKernel(timeout=5), size=1)\n"
        "atexit.register(pool.close)\n"
        "assert pool.wait_ready(60)\n"
        "pool.acquire().shutdown()\n"
        "time.sleep(0.2)\n"  # the filler is starting the next kernel as the main thread ends
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "could not start a kernel" not in out.stderr, out.stderr[-2000:]
