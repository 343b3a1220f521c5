"""The kernel surface: system calls the sandbox has no business with, and /proc files that leak
host-wide kernel state. Every call is made raw (ctypes), past any Python wrapper."""

from __future__ import annotations

import platform
from collections.abc import Iterator

import pytest
from redteam_harness import Harness, start_kernel

from codeact.kernels.sandbox import SandboxKernel

pytestmark = pytest.mark.skipif(
    platform.machine() != "x86_64", reason="the attacks use x86_64 syscall numbers"
)

SYSCALL = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def call(nr, *args):
    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])
    return "allowed" if r >= 0 else os.strerror(ctypes.get_errno())
"""
# name: (call, what must come back)
CALLS = {
    "io_uring_setup": ("call(425, 8, 0)", "Operation not permitted"),
    "io_uring_register": ("call(427, 0, 0, 0, 0)", "Operation not permitted"),
    "userfaultfd": ("call(323, 0)", "Operation not permitted"),
    "perf_event_open": ("call(298, 0, 0, -1, -1, 0)", "Operation not permitted"),
    "bpf": ("call(321, 0, 0, 0)", "Operation not permitted"),
    "keyctl-read-session": ("call(250, 11, -3, 0, 0)", "Operation not permitted"),
    "add_key": ("call(248, 0, 0, 0, 0, -3)", "Operation not permitted"),
    "unshare-user": ("call(272, 0x10000000)", "Operation not permitted"),
    "unshare-mount": ("call(272, 0x20000)", "Operation not permitted"),
    "clone-new-pid": ("call(56, 0x20000000 | 17, 0, 0, 0, 0)", "Operation not permitted"),
    "clone3-any": ("call(435, 0, 0)", "Function not implemented"),
    "setns": ("call(308, 0, 0)", "Operation not permitted"),
    "mount": ("call(165, 0, 0, 0, 0, 0)", "Operation not permitted"),
    "open_by_handle_at": ("call(304, 0, 0, 0)", "Operation not permitted"),
    "init_module": ("call(175, 0, 0, 0)", "Operation not permitted"),
    "kexec_load": ("call(246, 0, 0, 0, 0)", "Operation not permitted"),
    "fsopen": ("call(430, 0, 0)", "Operation not permitted"),
    "x32-getpid": ("call(0x40000000 | 39)", "Operation not permitted"),
    "ordinary-getpid-still-works": ("call(39)", "allowed"),
    "unshare-files-still-works": ("call(272, 0x400)", "allowed"),
}


@pytest.fixture(scope="module")
def surface(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("surface"))
    yield kernel
    kernel.shutdown()


@pytest.mark.parametrize("name", CALLS)
def test_the_kernel_surface_is_closed(redteam: Harness, surface: SandboxKernel, name: str) -> None:
    call, expected = CALLS[name]
    redteam.attack(surface, f"{SYSCALL}\nprint('result:', {call})", rf"result: {expected}")


MASKED = ["keys", "key-users", "kallsyms", "slabinfo", "kpageflags", "kpagecount", "vmallocinfo",
          "timer_list", "pagetypeinfo", "iomem", "ioports"]  # fmt: skip


def test_host_wide_proc_files_are_masked(redteam: Harness, surface: SandboxKernel) -> None:
    code = f"""
import os
seen = {{}}
for name in {[*MASKED, "config.gz", "sched_debug", "kcore"]!r}:
    path = "/proc/" + name
    if not os.path.exists(path):
        continue
    try:
        with open(path, "rb") as f:
            seen[name] = len(f.read(4096))
    except OSError as e:
        seen[name] = e.strerror
print("seen:", seen)
"""
    obs = redteam.attack(surface, code, r"seen: \{")
    seen = eval(obs.output.split("seen: ", 1)[1])
    for name, result in seen.items():
        assert result in (0, "Permission denied", "Operation not permitted"), (name, result)
    assert "keys" in seen and "slabinfo" in seen
