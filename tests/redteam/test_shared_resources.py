"""Kernel resources counted per user: as root the sandbox used to be host root for that accounting,
so it could take every inotify instance or message queue byte of host root, and RLIMIT_NPROC did
not bind at all. Each session now runs as a host uid of its own, and competes for CPU as one
group. Checked from the host: the host and the other session keep working, counts hold."""

from __future__ import annotations

import ctypes
import os
import time
from pathlib import Path

import pytest
from redteam_harness import Harness, start_kernel

from codeact.kernels.isolation import probe
from codeact.kernels.sandbox import Limits

ROOT = os.geteuid() == 0


def _host_inotify_works() -> bool:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.inotify_init()
    if fd < 0:
        return False
    os.close(fd)
    return True


@pytest.mark.skipif(not ROOT, reason="the per-session uid exists when codeact runs as root")
def test_nproc_binds_in_the_namespaces_tier_too(redteam: Harness, tmp_path: Path) -> None:
    """Without cgroups only RLIMIT_NPROC stops a fork bomb; it did not bind host root."""
    kernel = start_kernel(
        tmp_path / "w", limits=Limits(processes=64, memory_mb=512), tier="namespaces"
    )
    try:
        assert kernel.tier == "namespaces"
        code = """
import os, time
kids = []
try:
    for _ in range(150):
        pid = os.fork()
        if pid == 0:
            time.sleep(3)
            os._exit(0)
        kids.append(pid)
except OSError as e:
    print('refused after', len(kids), e.strerror)
for pid in kids:
    os.kill(pid, 9)
"""
        obs = redteam.attack(kernel, code, r"refused after \d+ Resource temporarily unavailable")
        assert int(obs.output.split("refused after ")[1].split()[0]) < 64
    finally:
        kernel.shutdown()


def test_taking_every_inotify_instance_hurts_only_the_sandbox(
    redteam: Harness, tmp_path: Path
) -> None:
    kernel = start_kernel(tmp_path / "w")
    try:
        code = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
fds = []
while True:
    fd = libc.inotify_init()
    if fd < 0:
        break
    fds.append(fd)
print('took', len(fds), 'then', os.strerror(ctypes.get_errno()))
"""
        redteam.attack(kernel, code, r"took \d+ then Too many open files")
        assert _host_inotify_works(), "the host lost its inotify instances to the sandbox"
        other = redteam.other.execute(
            "import ctypes; ctypes.CDLL(None).inotify_init() >= 0", timeout=15
        )
        assert str(other) == "True", "the other session lost its inotify instances"
    finally:
        kernel.shutdown()


@pytest.mark.skipif("cpu" not in probe().controllers, reason="needs the cpu cgroup")
def test_one_session_cannot_slow_another_by_half(redteam: Harness, tmp_path: Path) -> None:
    """A session running four busy processes competes as one group, so a one-process session
    beside it keeps about a core of its own (on 2 cores: not slowed by half)."""
    busy = start_kernel(tmp_path / "busy", timeout=60)
    timed = start_kernel(tmp_path / "timed", timeout=60)
    work = "import time\nt = time.perf_counter()\nx = 0\nfor i in range(6_000_000):\n    x += i\nprint(round(time.perf_counter() - t, 3))"
    try:
        alone = min(float(str(timed.execute(work))) for _ in range(2))
        busy.execute(
            "import subprocess, sys\nprocs = [subprocess.Popen([sys.executable, '-c', "
            "'while True: pass']) for _ in range(4)]"
        )
        time.sleep(0.5)
        crowded = min(float(str(timed.execute(work))) for _ in range(2))
    finally:
        busy.shutdown()
        timed.shutdown()
    cores = os.cpu_count() or 1
    if cores < 2:
        pytest.skip("one core: any neighbour halves the other")
    assert crowded / alone < 1.9, f"{alone:.2f} s alone, {crowded:.2f} s beside a busy session"
