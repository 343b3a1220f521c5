"""Resources: bombs of every kind hit a cap inside the sandbox (pids cgroup, memory cgroup, rlimits,
the /tmp size, the execution timeout, the output cap), the observation says so, the kernel is
usable afterwards, and the host is unaffected.
"""

from __future__ import annotations

import resource
from collections.abc import Iterator
from pathlib import Path

import pytest
from redteam_harness import LIMITS, Harness, sandbox_processes, start_kernel

from codeact.kernels.isolation import probe
from codeact.kernels.sandbox import Limits, SandboxKernel

DIED = r"The kernel died \(killed by SIGKILL\) and was restarted"
TIMED_OUT = r"Execution timed out after [\d.]+ s"
RESTARTED = r"did not respond to an interrupt, so the kernel was restarted"
LIMIT_PIDS = LIMITS.processes or 64


@pytest.fixture(scope="module")
def res(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("resources"))
    yield kernel
    kernel.shutdown()


# --- processes and threads -----------------------------------------------------------------

FORK_BOMBS = {
    # on a loaded machine 64 spinning copies of the kernel can keep it from answering within the
    # timeout: the restart is then the clear outcome (the bomb stayed inside its caps either way)
    "os-fork-forever": (
        "import os\nwhile True:\n    os.fork()",
        r"BlockingIOError|Resource temporarily unavailable|The kernel died|timed out after",
    ),
    "fork-and-sleep": (
        "import os, time\nkids = []\ntry:\n    while True:\n        pid = os.fork()\n"
        "        if pid == 0:\n            time.sleep(2)\n            os._exit(0)\n"
        "        kids.append(pid)\nexcept OSError as e:\n    print('fork refused after', len(kids), e)",
        r"fork refused after \d+ \[Errno 11\] Resource temporarily unavailable",
    ),
    "subprocess-loop": (
        "import subprocess\nprocs = []\nwhile True:\n"
        "    procs.append(subprocess.Popen(['sleep', '30']))",
        r"BlockingIOError|Resource temporarily unavailable",
    ),
    "shell-fork-bomb": (
        "import subprocess\n"
        "r = subprocess.run(['sh', '-c', 'b() { b | b & }; b; sleep 1; echo shell-done'],"
        " capture_output=True, text=True, timeout=2.5)\nprint(r.stdout, r.stderr[-300:])",
        # on a loaded machine the bomb's children can hold the pipes past the kernel's own
        # timeout: the interrupt notice is then the clear outcome
        r"shell-done|fork|Resource temporarily unavailable|TimeoutExpired|timed out after",
    ),
    "multiprocessing-pool": (
        "import multiprocessing\nmultiprocessing.Pool(500)",
        r"BlockingIOError|Resource temporarily unavailable|can't start new thread|The kernel died"
        r"|timed out after",
    ),
}


@pytest.mark.parametrize(("code", "expect"), FORK_BOMBS.values(), ids=FORK_BOMBS.keys())
def test_process_bombs_hit_the_pids_cap(
    redteam: Harness, fresh: SandboxKernel, code: str, expect: str
) -> None:
    redteam.attack(fresh, code, expect, timeout=4)
    redteam.assert_host_ok()
    # what is left of the bomb is inside the cap (and gone once the kernel restarts)
    assert len(sandbox_processes(fresh)) <= LIMIT_PIDS + 8


def test_process_count_is_capped_from_inside(redteam: Harness, fresh: SandboxKernel) -> None:
    code = """
import os, time
kids = []
try:
    for _ in range(200):
        pid = os.fork()
        if pid == 0:
            time.sleep(3)
            os._exit(0)
        kids.append(pid)
except OSError as e:
    print("stopped at", len(kids), type(e).__name__)
"""
    obs = redteam.attack(fresh, code, r"stopped at \d+ BlockingIOError")
    assert int(obs.output.split("stopped at ")[1].split()[0]) < LIMIT_PIDS


def test_thread_bomb(redteam: Harness, res: SandboxKernel) -> None:
    code = """
import threading, time
threads = []
try:
    while True:
        t = threading.Thread(target=time.sleep, args=(1.5,))
        t.start()
        threads.append(t)
except RuntimeError as e:
    print("threads:", len(threads), e)
for t in threads:
    t.join()
"""
    obs = redteam.attack(res, code, r"threads: \d+ can't start new thread")
    assert int(obs.output.split("threads: ")[1].split()[0]) < LIMIT_PIDS


# --- memory ------------------------------------------------------------------------------------

MEMORY_BOMBS = {
    "bytes-1GiB": ("x = b' ' * (1 << 30)", rf"{DIED}|MemoryError"),
    "bytearray-700MiB": ("x = bytearray(700 << 20)", rf"{DIED}|MemoryError"),
    "list-growth": ("l = []\nwhile True:\n    l.append(' ' * 10**7)", rf"{DIED}|MemoryError"),
    "one-terabyte": ("x = bytearray(10**12)", r"MemoryError"),
    "str-repeat-huge": ("x = 'x' * 10**13", r"MemoryError"),
    "numpy-huge-empty": (
        "import numpy as np\nx = np.empty(10**13)",
        r"MemoryError|Unable to allocate",
    ),
    "numpy-touch-over-limit": ("import numpy as np\nx = np.ones(10**8)", rf"{DIED}|MemoryError"),
    "dev-shm-tmpfs-fill": (
        "with open('/dev/shm/fill', 'wb') as f:\n    for _ in range(800):\n"
        "        f.write(b'x' * (1 << 20))",
        rf"{DIED}|File too large|No space left|Cannot allocate",
    ),
    "mmap-populate": (
        "import mmap\nm = mmap.mmap(-1, 900 << 20)\nfor i in range(0, len(m), 4096):\n    m[i] = 1",
        rf"{DIED}|MemoryError",
    ),
}


@pytest.mark.parametrize(("code", "expect"), MEMORY_BOMBS.values(), ids=MEMORY_BOMBS.keys())
def test_memory_bombs_hit_the_memory_cap(
    redteam: Harness, res: SandboxKernel, code: str, expect: str
) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    redteam.attack(res, code, expect, timeout=10)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
    assert grown_mb < 256, f"the host grew by {grown_mb} MB"
    redteam.assert_host_ok()


# --- disk ---------------------------------------------------------------------------------------

DISK = {
    "file-over-fsize": (
        "with open('big.bin', 'wb') as f:\n    f.write(b'x' * (100 << 20))",
        r"File too large",
    ),
    "sparse-seek-over-fsize": (
        "with open('sparse.bin', 'wb') as f:\n    f.seek(10 << 30)\n    f.write(b'x')",
        r"File too large",
    ),
    "truncate-over-fsize": ("open('trunc.bin', 'wb').truncate(10 << 30)", r"File too large"),
    "tmp-over-size": (
        "with open('/tmp/fill', 'wb') as f:\n    for _ in range(100):\n"
        "        f.write(b'x' * (1 << 20))\n        f.flush()",
        r"No space left on device",
    ),
    "tmp-many-files-over-size": (
        "import os\nfor i in range(100):\n    with open(f'/tmp/part{i}', 'wb') as f:\n"
        "        f.write(b'x' * (1 << 20))",
        r"No space left on device",
    ),
    "open-files-rlimit": (
        "files = []\nwhile True:\n    files.append(open('/dev/null'))",
        r"Too many open files",
    ),
    "raise-rlimits": (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))",
        r"not allowed to raise maximum limit",
    ),
}


@pytest.mark.parametrize(("code", "expect"), DISK.values(), ids=DISK.keys())
def test_disk_fills_hit_a_cap(redteam: Harness, res: SandboxKernel, code: str, expect: str) -> None:
    try:
        redteam.attack(res, code, expect, timeout=10)
    finally:
        res.execute(
            "import glob, os\nfor p in glob.glob('/tmp/*') + ['big.bin', 'sparse.bin', 'trunc.bin']:\n"
            "    if os.path.isfile(p): os.remove(p)\nfiles = None"
        )
    for name in ("big.bin", "sparse.bin", "trunc.bin"):
        path = res.workdir / name
        assert not path.exists() or path.stat().st_size <= 64 << 20


def test_workspace_total_size_is_capped(redteam: Harness) -> None:
    # a workspace the kernel creates itself sits on a size-capped tmpfs (host runs as root here)
    limits = Limits(memory_mb=512, processes=64, file_size_mb=4, tmp_size_mb=16, workspace_mb=32)
    kernel = start_kernel(None, limits=limits)
    try:
        code = """
written = 0
for i in range(12):
    with open(f"part{i}.bin", "wb") as f:
        f.write(b"x" * ((4 << 20) - 1))
    written += 4
print("wrote", written, "MiB")
"""
        # 12 files of just under file_size_mb: more than the /tmp cap, more than any file cap
        redteam.attack(kernel, code, r"No space left on device|Disk quota exceeded")
    finally:
        kernel.shutdown()


# --- CPU and time -------------------------------------------------------------------------------

TIME = {
    "sleep-forever": ("import time\ntime.sleep(10**6)", rf"KeyboardInterrupt[\s\S]*{TIMED_OUT}"),
    "busy-loop": ("while True:\n    pass", rf"KeyboardInterrupt[\s\S]*{TIMED_OUT}"),
    "huge-power": ("x = 10**10**9", rf"{RESTARTED}|MemoryError|{DIED}"),
    "power-tower": ("x = 2**2**40", rf"{RESTARTED}|MemoryError|{DIED}"),
    "int-from-giant-str": ("int('9' * 10**6)", r"ValueError: Exceeds the limit"),
    "str-of-giant-int": ("str(10**100000)", r"ValueError: Exceeds the limit"),
    "unlimited-str-conversion": (
        "import sys\nsys.set_int_max_str_digits(0)\nlen(str(10**(10**7)))",
        rf"{RESTARTED}|{TIMED_OUT}",
    ),
    "factorial-huge": ("import math\nmath.factorial(10**8)", rf"{RESTARTED}|{TIMED_OUT}|{DIED}"),
}


@pytest.mark.parametrize(("code", "expect"), TIME.values(), ids=TIME.keys())
def test_long_computations_are_stopped(
    redteam: Harness, res: SandboxKernel, code: str, expect: str
) -> None:
    obs = redteam.attack(res, code, expect, timeout=1.5)
    assert obs.seconds < 1.5 + 1 + 5  # timeout + interrupt grace + a restart


def test_cpu_cap_is_enforced(redteam: Harness, tmp_path: Path) -> None:
    if "cpu" not in probe().controllers:
        pytest.skip("no writable cpu controller on this host")
    limits = Limits(memory_mb=512, processes=64, cpu_cores=0.25, file_size_mb=64, tmp_size_mb=64)
    kernel = start_kernel(tmp_path / "work", limits=limits)
    try:
        code = """
import os, time
start, cpu = time.monotonic(), time.process_time()
while time.monotonic() - start < 1.5:
    pass
print("cpu share %.2f" % ((time.process_time() - cpu) / (time.monotonic() - start)))
"""
        obs = redteam.attack(kernel, code, r"cpu share 0\.\d\d")
        assert float(obs.output.split("cpu share ")[1].split()[0]) < 0.5
    finally:
        kernel.shutdown()


# --- output -------------------------------------------------------------------------------------


def test_a_100_mb_print_is_capped(redteam: Harness, res: SandboxKernel) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    obs = redteam.attack(
        res, "print('START'); print('x' * 100_000_000); print('END')", r"characters truncated"
    )
    assert obs.output.startswith("START") and obs.output.rstrip().endswith("END")
    assert obs.dropped_bytes > 98_000_000
    assert len(obs.output) <= res.max_output_chars + 200
    assert len(str(obs)) < 2 * res.render_limit
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024
    assert grown_mb < 1024, f"the host grew by {grown_mb} MB for one print"
    redteam.assert_host_ok()


FLOODS = {
    "many-small-prints": ("for i in range(300_000):\n    print(i)", r"^0\n1\n[\s\S]*\n299999$"),
    "stderr-flood": (
        "import sys\nfor i in range(200_000):\n    print('e', i, file=sys.stderr)",
        r"characters truncated[\s\S]*e 199999",
    ),
    "display-flood": (
        "from IPython.display import display\nfor i in range(3_000):\n    display('d' * 500, i)",
        r"characters truncated[\s\S]*\n2999$",
    ),
    "unflushed-writes": (
        "import sys\nfor _ in range(300_000):\n    sys.stdout.write('z' * 10)",
        r"characters truncated",
    ),
    "giant-exception-message": (
        "raise ValueError('v' * 20_000_000)",
        r"characters truncated[\s\S]*|ValueError",
    ),
    "print-forever": ("while True:\n    print('flood' * 100)", rf"{TIMED_OUT}"),
}


@pytest.mark.parametrize(("code", "expect"), FLOODS.values(), ids=FLOODS.keys())
def test_output_floods_are_capped(
    redteam: Harness, res: SandboxKernel, code: str, expect: str
) -> None:
    obs = redteam.attack(res, code, expect, timeout=2 if "while True" in code else 10)
    assert len(obs.output) <= res.max_output_chars + 200
    redteam.assert_host_ok()
