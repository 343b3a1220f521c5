"""The sandbox's seccomp filter: the kernel surface that sandboxed code has no business with.

Denied outright (EPERM), as the container runtimes' default profiles do: the kernel keyrings (not
namespaced), io_uring and userfaultfd (favourite exploit primitives), bpf and perf_event_open,
every mount, module, kexec, swap, reboot, quota and accounting call, file handles (the "shocker"
escape), syslog, setns, and the legacy x86 calls. Denied by argument:
- a setuid or setgid bit through chmod, fchmod, fchmodat(2), mknod(at), or open/openat/creat with
  O_CREAT or O_TMPFILE: no file written inside can become a privileged program outside;
- a new namespace through clone or unshare (no nested user namespaces: they bring new mounts);
- extended attributes (EOPNOTSUPP): file capabilities are one (`security.capability`).
clone3 and openat2 pass their arguments in memory that seccomp cannot read, so they fail with
ENOSYS and the C library falls back to clone and openat, which are checked.

The program is classic BPF for the native architecture (x86_64 or aarch64, numbers in
syscalls.json); calls from any other ABI (i386 through int 0x80, x32) are denied as a whole.
bubblewrap loads it with `--seccomp FD`.
"""

from __future__ import annotations

import functools
import json
import platform
import struct
from importlib import resources

EPERM, ENOSYS, EOPNOTSUPP = 1, 38, 95
PRIVILEGE_BITS = 0o6000  # S_ISUID | S_ISGID
CREATES = 0o100 | 0o20000000  # O_CREAT | __O_TMPFILE (the same on x86_64 and aarch64)
NEW_NAMESPACES = 0x7E020000  # CLONE_NEW{NS,CGROUP,UTS,IPC,USER,PID,NET}
NEW_TIME = 0x80  # CLONE_NEWTIME: an unshare flag only (in clone it is part of the exit signal)

DENIED = (
    "add_key", "request_key", "keyctl", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "userfaultfd", "bpf", "perf_event_open", "mount", "umount2", "pivot_root", "open_tree",
    "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "acct", "swapon",
    "swapoff", "reboot", "quotactl", "quotactl_fd", "open_by_handle_at", "name_to_handle_at",
    "lookup_dcookie", "syslog", "vhangup", "setns", "fanotify_init", "iopl", "ioperm", "uselib",
    "ustat", "sysfs", "_sysctl", "nfsservctl", "create_module", "get_kernel_syms", "query_module",
)  # fmt: skip
UNSUPPORTED = {"setxattr": EOPNOTSUPP, "lsetxattr": EOPNOTSUPP, "fsetxattr": EOPNOTSUPP,
               "setxattrat": EOPNOTSUPP, "clone3": ENOSYS, "openat2": ENOSYS}  # fmt: skip
# syscall -> index of its mode argument
MODE_ARG = {"chmod": 1, "fchmod": 1, "fchmodat": 2, "fchmodat2": 2, "mknod": 1, "mknodat": 2,
            "creat": 1}  # fmt: skip
# syscall -> (index of its flags argument, index of its mode argument)
OPEN_ARGS = {"open": (1, 2), "openat": (2, 3)}
NAMESPACE_ARG = {"clone": NEW_NAMESPACES, "unshare": NEW_NAMESPACES | NEW_TIME}  # flags in arg 0

# classic BPF opcodes and seccomp return values
LD_W_ABS, JEQ_K, JGE_K, JSET_K, RET_K = 0x20, 0x15, 0x35, 0x45, 0x06
ALLOW, ERRNO = 0x7FFF0000, 0x00050000
ARCH_OFFSET, NR_OFFSET = 4, 0


def _arg_low(index: int) -> int:
    """Offset of the low 32 bits of syscall argument `index` in struct seccomp_data."""
    return 16 + 8 * index + (0 if struct.pack("=H", 1)[0] else 4)


class _Program:
    """A forward-only BPF assembler: jumps name labels, resolved when the program is built."""

    def __init__(self) -> None:
        self.code: list[tuple[int, str | int, str | int, int]] = []
        self.labels: dict[str, int] = {}

    def op(self, code: int, k: int, jt: str | int = 0, jf: str | int = 0) -> None:
        self.code.append((code, jt, jf, k))

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def ret(self, value: int) -> None:
        self.op(RET_K, value)

    def build(self) -> bytes:
        out = []
        for at, (code, jt, jf, k) in enumerate(self.code):
            offsets = [self.labels[j] - at - 1 if isinstance(j, str) else j for j in (jt, jf)]
            assert all(0 <= o < 256 for o in offsets), "jump out of range"
            out.append(struct.pack("=HBBI", code, offsets[0], offsets[1], k))
        return b"".join(out)


def _rules(p: _Program, numbers: dict[str, int]) -> None:
    """The checks, one block per syscall; each block ends in a return."""
    for name in DENIED:
        if name in numbers:
            p.op(JEQ_K, numbers[name], "deny", 0)
    for name, errno in UNSUPPORTED.items():
        if name in numbers:
            p.op(JEQ_K, numbers[name], f"errno-{errno}", 0)
    for name, arg in MODE_ARG.items():
        if name in numbers:
            p.op(JEQ_K, numbers[name], 0, f"after-{name}")
            p.op(LD_W_ABS, _arg_low(arg))
            p.op(JSET_K, PRIVILEGE_BITS, "deny", "allow")
            p.label(f"after-{name}")
    for name, (flags, mode) in OPEN_ARGS.items():
        if name in numbers:
            p.op(JEQ_K, numbers[name], 0, f"after-{name}")
            p.op(LD_W_ABS, _arg_low(flags))
            p.op(JSET_K, CREATES, 0, "allow")
            p.op(LD_W_ABS, _arg_low(mode))
            p.op(JSET_K, PRIVILEGE_BITS, "deny", "allow")
            p.label(f"after-{name}")
    for name, mask in NAMESPACE_ARG.items():
        if name in numbers:
            p.op(JEQ_K, numbers[name], 0, f"after-{name}")
            p.op(LD_W_ABS, _arg_low(0))
            p.op(JSET_K, mask, "deny", "allow")
            p.label(f"after-{name}")


@functools.cache
def _table() -> dict[str, dict[str, object]]:
    text = resources.files("codeact.kernels").joinpath("syscalls.json").read_text()
    table: dict[str, dict[str, object]] = json.loads(text)
    return table


def supported() -> bool:
    """Whether a filter can be built for this machine's architecture."""
    return platform.machine() in _table()


@functools.cache
def seccomp_program() -> bytes:
    """The filter for this machine's architecture, as a struct sock_filter[] (for `--seccomp`)."""
    arch = _table().get(platform.machine())
    if arch is None:
        raise ValueError(f"no seccomp syscall table for {platform.machine()}")
    numbers: dict[str, int] = arch["syscalls"]  # type: ignore[assignment]
    p = _Program()
    p.op(LD_W_ABS, ARCH_OFFSET)
    p.op(JEQ_K, int(arch["audit_arch"]), 0, "deny")  # type: ignore[call-overload]
    p.op(LD_W_ABS, NR_OFFSET)
    if "nr_limit" in arch:
        p.op(JGE_K, int(arch["nr_limit"]), "deny", 0)  # type: ignore[call-overload]
    _rules(p, numbers)
    p.label("allow")
    p.ret(ALLOW)
    p.label("deny")
    p.ret(ERRNO | EPERM)
    for errno in sorted(set(UNSUPPORTED.values())):
        p.label(f"errno-{errno}")
        p.ret(ERRNO | errno)
    return p.build()
