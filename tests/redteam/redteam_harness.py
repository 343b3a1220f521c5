"""The red-team harness: canaries planted on the host, and one call that runs an attack in a
sandboxed session and checks what must hold whatever the attack was.

After every attack: (1) the observation says something matching the expected error or notice,
(2) no canary token appears in anything the model would see (nor in the attacker's workspace),
(3) the other session still answers, with its state and its secret file intact, and (4) the same
kernel runs `1+1` and answers 2.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import platform
import re
import resource
import secrets
import stat
import subprocess
import textwrap
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeact.kernels.sandbox import Limits, SandboxKernel
from codeact.types import Observation

CANARY_ENV = "CODEACT_REDTEAM_CANARY"
TOKEN_PREFIX = "rtcanary-"
HOME_SECRET_NAME = ".codeact-redteam-secret"
OTHER_SECRET_NAME = "other-session-secret.txt"
LIMITS = Limits(memory_mb=512, processes=64, file_size_mb=64, tmp_size_mb=64)
TIMEOUT = 3.0
GRACE = 1.0

# Attack code starts with this: `report(x)` scans whatever the attack reached for a token shaped
# like a canary and prints the matches, so an attack that succeeds prints the secret itself.
# The pattern is assembled at run time so that the code never matches itself.
PRELUDE = """\
import re as _re
_PAT = _re.compile("rtcan" + "ary-[0-9a-f]{32}")
def report(found):
    if isinstance(found, bytes):
        found = found.decode("latin-1")
    elif not isinstance(found, str):
        found = repr(found)
    print(f"scanned {len(found)} chars; matches: {_PAT.findall(found)}")
"""
CLEAN = r"scanned [1-9]\d* chars; matches: \[\]"
READ_ONLY = r"Read-only file system"
NOT_FOUND = r"No such file or directory"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_hex(16)


def start_kernel(workdir: Path | None, limits: Limits = LIMITS, **options: Any) -> SandboxKernel:
    options = {"timeout": TIMEOUT, "interrupt_grace": GRACE, **options}
    kernel = SandboxKernel(workdir, limits=limits, **options)
    kernel.start()
    return kernel


@dataclass
class Harness:
    env_token: str
    home_token: str
    other_token: str
    key_token: str | None
    home_file: Path
    other: SandboxKernel
    other_file: Path
    host_pid: int = field(default_factory=os.getpid)

    @property
    def tokens(self) -> list[str]:
        found = [self.env_token, self.home_token, self.other_token, self.key_token]
        return [t for t in found if t]

    # --- the one call every case makes -----------------------------------------------------

    def attack(
        self,
        kernel: SandboxKernel,
        code: str,
        expect: str,
        *,
        timeout: float | None = None,
        prelude: bool = True,
    ) -> Observation:
        source = (PRELUDE if prelude else "") + textwrap.dedent(code)
        obs = kernel.execute(source, timeout=timeout)
        shown = str(obs)
        assert re.search(expect, shown), f"expected /{expect}/ in the observation, got:\n{shown}"
        self.assert_no_canary(obs)
        self.assert_workspace_clean(kernel)
        self.assert_usable(kernel)
        self.assert_other_intact()
        return obs

    # --- the checks, also usable on their own ---------------------------------------------

    def assert_no_canary(self, obs: Observation | str) -> None:
        if isinstance(obs, Observation):
            parts = [obs.output, str(obs), *obs.notices, *obs.images]
            if obs.error is not None:
                parts += [obs.error.name, obs.error.value, obs.error.traceback]
            text = "\n".join(parts)
        else:
            text = obs
        for token in self.tokens:
            # the random half alone: a leak that lost the prefix is still a leak
            assert token[len(TOKEN_PREFIX) :] not in text, "a host canary reached the sandbox"

    def assert_workspace_clean(self, kernel: SandboxKernel) -> None:
        """No canary was copied into the attacker's workspace either (links are not followed)."""
        for root, _dirs, files in os.walk(kernel.workdir):
            for name in files:
                path = os.path.join(root, name)
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode) or info.st_size > 1 << 20:
                    continue
                with contextlib.suppress(OSError):
                    self.assert_no_canary(Path(path).read_bytes().decode("latin-1"))

    @staticmethod
    def assert_usable(kernel: SandboxKernel) -> None:
        after = kernel.execute("1+1", timeout=15)
        assert str(after) == "2", f"the kernel did not recover: {after}"

    def assert_other_intact(self) -> None:
        assert self.other_file.read_text() == self.other_token
        assert str(self.other.execute("other_state", timeout=15)) == "'alive'"
        assert self.other.restarts == 0

    @staticmethod
    def assert_host_ok(max_rss_mb: int = 3072) -> None:
        """The host can still start processes and its own memory stayed sane."""
        assert subprocess.run(["true"], timeout=10).returncode == 0
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        assert rss_mb < max_rss_mb, f"host test process peaked at {rss_mb} MB"


# --- the sandbox's processes, seen from the host ----------------------------------------------


def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode(errors="replace") for a in raw.split(b"\0") if a]


def sandbox_processes(kernel: SandboxKernel) -> dict[int, list[str]]:
    """The kernel's launcher and everything below it: pid -> argv, found by walking /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    root = kernel.pid
    assert root is not None, "the kernel is not running"
    found: dict[int, list[str]] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        found[pid] = _cmdline(pid)
        stack += children.get(pid, [])
    return found


def kernel_python(kernel: SandboxKernel) -> int:
    """Host pid of the sandboxed ipykernel process itself (not bwrap, not the launcher)."""
    for pid, argv in sandbox_processes(kernel).items():
        if argv and "python" in os.path.basename(argv[0]) and "ipykernel_launcher" in argv:
            return pid
    raise AssertionError(f"no ipykernel process under {kernel.pid}")


def alive(pid: int) -> bool:
    """Running (not a zombie and not gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def later(delay: float, action: Callable[[], None]) -> threading.Timer:
    timer = threading.Timer(delay, action)
    timer.daemon = True
    timer.start()
    return timer


# --- a canary in the kernel keyring ----------------------------------------------------------

_KEY_SYSCALLS = {"x86_64": (248, 250), "aarch64": (217, 219)}  # add_key, keyctl


def plant_session_key(token: str) -> int | None:
    """Give this process a fresh session keyring holding `token`; kernels started afterwards
    inherit it. Returns the key's serial, or None where keyrings are unavailable."""
    numbers = _KEY_SYSCALLS.get(platform.machine())
    if numbers is None:
        return None
    add_key, keyctl = numbers
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    join_session = ctypes.c_long(1)  # KEYCTL_JOIN_SESSION_KEYRING, anonymous
    if libc.syscall(ctypes.c_long(keyctl), join_session, ctypes.c_void_p(None)) < 0:
        return None
    data = token.encode()
    serial = libc.syscall(
        ctypes.c_long(add_key),
        ctypes.c_char_p(b"user"),
        ctypes.c_char_p(b"codeact-redteam"),
        ctypes.c_char_p(data),
        ctypes.c_size_t(len(data)),
        ctypes.c_long(-3),  # KEY_SPEC_SESSION_KEYRING
    )
    if serial <= 0:
        return None
    # readable by every process of this uid, and linked into its user keyring: whatever shares the
    # host's uid finds it (the controls do); the sandbox, a uid of its own, must not
    libc.syscall(
        ctypes.c_long(keyctl), ctypes.c_long(5), ctypes.c_long(serial), ctypes.c_long(0x3F3F0000)
    )
    libc.syscall(ctypes.c_long(keyctl), ctypes.c_long(8), ctypes.c_long(serial), ctypes.c_long(-4))
    return int(serial)


def revoke_key(serial: int) -> None:
    numbers = _KEY_SYSCALLS.get(platform.machine())
    if numbers is None:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    libc.syscall(ctypes.c_long(numbers[1]), ctypes.c_long(21), ctypes.c_long(serial))  # INVALIDATE
