"""A tiny seccomp filter for the sandbox: the kernel keyring syscalls fail with EPERM.

Keyrings are not namespaced, and when the host runs as root the sandbox's uid maps to host root, so
without this the sandbox could read the host's keys. Passed to bubblewrap with `--seccomp FD`.
"""

from __future__ import annotations

import struct

_KEYRING_SYSCALLS = {  # audit arch: (add_key, request_key, keyctl), nr mask
    0xC000003E: ((248, 249, 250), 0xBFFFFFFF),  # x86_64; the mask folds x32 numbers onto these
    0x40000003: ((286, 287, 288), 0xFFFFFFFF),  # i386 (int 0x80 from a 64-bit process)
    0xC00000B7: ((217, 218, 219), 0xFFFFFFFF),  # aarch64
    0x40000028: ((309, 310, 311), 0xFFFFFFFF),  # arm
}


def seccomp_program() -> bytes:
    """A classic-BPF seccomp filter (struct sock_filter[]) that denies the keyring syscalls."""
    ld_abs, jeq_k, and_k, ret_k = 0x20, 0x15, 0x54, 0x06
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    prog: list[tuple[int, int, int, int]] = []
    for arch, (numbers, mask) in _KEYRING_SYSCALLS.items():
        prog += [
            (ld_abs, 0, 0, 4),  # seccomp_data.arch
            (jeq_k, 0, 7, arch),  # another arch: on to the next block
            (ld_abs, 0, 0, 0),  # seccomp_data.nr
            (and_k, 0, 0, mask),
            (jeq_k, 3, 0, numbers[0]),
            (jeq_k, 2, 0, numbers[1]),
            (jeq_k, 1, 0, numbers[2]),
            (ret_k, 0, 0, allow),
            (ret_k, 0, 0, deny),
        ]
    prog.append((ret_k, 0, 0, allow))
    return b"".join(struct.pack("=HBBI", *ins) for ins in prog)
