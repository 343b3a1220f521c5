"""Escapes: Python-level tricks that would defeat a Python-level sandbox (subclass walks, frame
globals, format strings, ctypes, sys.modules, /proc). The sandbox here is the operating system, so
each trick does work, and still reaches nothing of the host: every attack gathers what it can and
`report()`s it, and the canaries must not be in it.
"""

from __future__ import annotations

import platform
from collections.abc import Iterator
from pathlib import Path

import pytest
from redteam_harness import CLEAN, PRELUDE, Harness, start_kernel

from codeact.kernels.jupyter import JupyterKernel
from codeact.kernels.sandbox import SandboxKernel


@pytest.fixture(scope="module")
def box(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("escapes"))
    yield kernel
    kernel.shutdown()


ESCAPES = {
    "subclass-walk-wrap-close-environ": """
for cls in ().__class__.__base__.__subclasses__():
    if cls.__name__ == "_wrap_close":
        env = cls.__init__.__globals__["environ"]
report(dict(env))
""",
    "subclass-walk-catch-warnings-import": """
for cls in ().__class__.__bases__[0].__subclasses__():
    if cls.__name__ == "catch_warnings":
        imp = cls()._module.__builtins__["__import__"]
report(dict(imp("os").environ))
""",
    "subclass-walk-popen-env": """
popen = [c for c in object.__subclasses__() if c.__name__ == "Popen"]
if not popen:
    import subprocess
    popen = [c for c in object.__subclasses__() if c.__name__ == "Popen"]
out = popen[0](["sh", "-c", "env; cat /proc/1/environ"], stdout=-1).communicate()[0]
report(out)
""",
    "subclass-walk-sitebuiltins-sys-modules": """
printer = [c for c in object.__subclasses__() if c.__name__ == "_Printer"][0]
mods = printer.__init__.__globals__["sys"].modules
report({k: getattr(mods[k], "environ", None) for k in ("os", "posix") if k in mods})
""",
    "eval-without-builtins": """
leak = eval(
    "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close']"
    "[0].__init__.__globals__['environ']",
    {"__builtins__": {}},
)
report(dict(leak))
""",
    "frame-getframe-walk": """
import sys
f, seen = sys._getframe(0), []
while f is not None:
    seen.append(repr(f.f_locals)[:200000] + repr(sorted(f.f_globals))[:200000])
    b = f.f_globals.get("__builtins__")
    imp = b["__import__"] if isinstance(b, dict) else b.__import__
    seen.append(repr(dict(imp("os").environ)))
    f = f.f_back
report("".join(seen))
""",
    "frame-generator-gi-frame": """
def gen():
    yield 1
g = gen()
b = g.gi_frame.f_globals["__builtins__"]
imp = b["__import__"] if isinstance(b, dict) else b.__import__
report(dict(imp("os").environ))
""",
    "frame-traceback-tb-frame": """
try:
    1 / 0
except ZeroDivisionError as exc:
    tb = exc.__traceback__
f, seen = tb.tb_frame, []
while f is not None:
    seen.append(repr(f.f_locals)[:200000])
    f = f.f_back
seen.append(repr(dict(tb.tb_frame.f_globals["__builtins__"].__import__("os").environ)))
report("".join(seen))
""",
    "format-string-init-globals": """
import subprocess
report("{0.__init__.__globals__[os].environ}".format(subprocess.Popen))
""",
    "format-string-sys-modules": """
import logging
report("{0.__init__.__globals__[sys].modules[os].environ}".format(logging.Logger))
""",
    "format-string-function-globals": """
report("{0.__globals__}".format(report) + "{0.__class__.__base__.__subclasses__}".format(()))
""",
    "ctypes-getenv": """
import ctypes
libc = ctypes.CDLL(None)
libc.getenv.restype = ctypes.c_char_p
report(repr(libc.getenv(b"CODEACT_REDTEAM_CANARY")) + repr(libc.getenv(b"HOME")))
""",
    "ctypes-libc-environ-array": """
import ctypes
env = ctypes.POINTER(ctypes.c_char_p).in_dll(ctypes.CDLL(None), "environ")
items, i = [], 0
while env[i]:
    items.append(env[i])
    i += 1
report(b"\\n".join(items))
""",
    "ctypes-popen-shell": """
import ctypes
libc = ctypes.CDLL(None)
libc.popen.restype = ctypes.c_void_p
stream = libc.popen(b"env; cat /proc/*/environ /proc/*/cmdline", b"r")
buf, chunks = ctypes.create_string_buffer(65536), []
while True:
    n = libc.fread(buf, 1, 65536, ctypes.c_void_p(stream))
    if n <= 0:
        break
    chunks.append(buf.raw[:n])
libc.pclose(ctypes.c_void_p(stream))
report(b"".join(chunks))
""",
    "ctypes-read-all-memory-in-the-namespace": """
import os
data = []
for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        mem = open(f"/proc/{pid}/mem", "rb", 0)
    except OSError:
        continue
    for line in maps:
        span, perms = line.split()[:2]
        lo, hi = (int(x, 16) for x in span.split("-"))
        if perms[0] != "r" or hi - lo > 64 << 20:
            continue
        try:
            mem.seek(lo)
            data.append(mem.read(hi - lo))
        except (OSError, ValueError, OverflowError):
            pass
report(b"".join(data))
del data
""",
    "sys-modules-posix-environ": """
import sys
report(dict(sys.modules["posix"].environ))
""",
    "reload-os-rereads-environ": """
import importlib, os
report(dict(importlib.reload(os).environ))
""",
    "gc-heap-scan": """
import gc
parts = []
for obj in gc.get_objects():
    if isinstance(obj, dict):
        parts += [x for kv in obj.items() for x in kv if isinstance(x, (str, bytes))]
    elif isinstance(obj, (list, tuple)):
        parts += [x for x in obj if isinstance(x, (str, bytes))]
parts = [p if isinstance(p, str) else p.decode("latin-1") for p in parts if len(p) < 1 << 20]
report("\\n".join(parts))
del parts
""",
    "proc-self-environ": """
report(open("/proc/self/environ", "rb").read())
""",
    "proc-1-environ": """
try:
    data = open("/proc/1/environ", "rb").read()
except PermissionError:  # as root, pid 1 is bubblewrap's own init, not the sandbox's uid
    data = b"denied"
report(data)
""",
    "proc-every-environ-and-task": """
import glob
blob = b""
for path in glob.glob("/proc/[0-9]*/environ") + glob.glob("/proc/[0-9]*/task/*/environ"):
    try:
        blob += open(path, "rb").read()
    except OSError:
        pass
report(blob)
""",
    "proc-every-cmdline-and-status": """
import glob
blob = b""
for path in glob.glob("/proc/[0-9]*/cmdline") + glob.glob("/proc/[0-9]*/status"):
    blob += open(path, "rb").read()
report(blob)
""",
    "ipython-env-magic": """
report(get_ipython().run_line_magic("env", ""))
""",
    "ipython-shell-escape": """
report("\\n".join(get_ipython().getoutput("env; cat /proc/*/environ; ls -la / /root /work")))
""",
    "kernel-internals": """
k = get_ipython().kernel
report(repr(vars(k)) + repr(vars(k.session)) + repr(get_ipython().config) + repr(vars(k.shell)))
""",
    "subprocess-env-dump": """
import subprocess
report(subprocess.run(["sh", "-c", "env; cat /proc/*/environ"], capture_output=True).stdout)
""",
    "sys-argv-path-and-flags": """
import sys
report(repr(sys.argv) + repr(sys.orig_argv) + repr(sys.path) + repr(sys.flags) + repr(sys.prefix))
""",
    "pickle-reduce-popen": """
import pickle
report(pickle.loads(b"cos\\npopen\\n(S'env; cat /proc/*/environ'\\ntR.").read())
""",
    "grep-every-visible-file": """
import os, sys
skip = {"/proc", "/sys", "/dev", "/usr", sys.prefix, sys.base_prefix}
blob = []
for root, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if os.path.join(root, d) not in skip]
    for name in files:
        path = os.path.join(root, name)
        try:
            if os.path.getsize(path) < 1 << 20:
                blob.append(open(path, "rb").read())
        except OSError:
            pass
report(b"".join(blob))
del blob
""",
}


@pytest.mark.parametrize("code", ESCAPES.values(), ids=ESCAPES.keys())
def test_escape_reaches_no_host_secret(redteam: Harness, box: SandboxKernel, code: str) -> None:
    redteam.attack(box, code, CLEAN)


HOST_PROCESS_ATTACKS = {
    "kill-0-host-pid": ("import os\nos.kill(HOST_PID, 0)", r"ProcessLookupError"),
    "pidfd-open-host-pid": ("import os\nos.pidfd_open(HOST_PID)", r"ProcessLookupError"),
    "proc-host-pid-environ": ("open('/proc/HOST_PID/environ').read()", r"No such file"),
    "process-vm-readv-host-pid": (
        """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(4096)
iov = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 4096)
remote = (ctypes.c_void_p * 2)(0x400000, 4096)
if libc.syscall(310, HOST_PID, iov, 1, remote, 1, 0) < 0:
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
report(buf.raw)
""",
        r"No such process",
    ),
    "ptrace-attach-host-pid": (
        """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
if libc.ptrace(16, HOST_PID, None, None) < 0:  # PTRACE_ATTACH
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
""",
        r"No such process",
    ),
}


@pytest.mark.parametrize(
    ("code", "expect"), HOST_PROCESS_ATTACKS.values(), ids=HOST_PROCESS_ATTACKS.keys()
)
def test_host_processes_are_out_of_reach(
    redteam: Harness, box: SandboxKernel, code: str, expect: str
) -> None:
    redteam.attack(box, code.replace("HOST_PID", str(redteam.host_pid)), expect)


KEYRING = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
def keyctl(*args):
    r = libc.syscall(250, *[ctypes.c_long(a) if isinstance(a, int) else a for a in args])
    if r < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r
buf = ctypes.create_string_buffer(4096)
errors = []
try:
    keys = open("/proc/keys").readlines()
except PermissionError:  # masked: the serials must be guessed, which the filter blocks as well
    keys = []
for line in keys:
    serial = int(line.split()[0], 16)
    try:
        keyctl(8, serial, -3)  # KEYCTL_LINK into our session keyring: then we possess it
    except OSError as e:
        errors.append(e.strerror)
    try:
        n = keyctl(11, serial, buf, 4096)  # KEYCTL_READ
        report(buf.raw[:n])
    except OSError as e:
        errors.append(e.strerror)
try:
    n = keyctl(11, -3, buf, 4096)
    report(buf.raw[:n])
except OSError as e:
    errors.append(e.strerror)
print(sorted(set(errors)))
"""


@pytest.mark.skipif(platform.machine() != "x86_64", reason="the attack uses x86_64 syscall numbers")
def test_host_keyring_is_out_of_reach(redteam: Harness, box: SandboxKernel) -> None:
    """The kernel keyring is not namespaced and the sandbox's uid maps to the host's: without the
    seccomp filter this read the key the host planted in its session keyring."""
    obs = redteam.attack(box, KEYRING, r"\['Operation not permitted'\]")
    assert "scanned" not in obs.output


def test_controls_the_same_attacks_do_find_the_canaries_outside_the_sandbox(
    redteam: Harness, tmp_path: Path
) -> None:
    """The probes are not vacuous: in an unsandboxed kernel they find every host canary."""
    with JupyterKernel(tmp_path, timeout=10) as local:
        local.execute(PRELUDE)
        env_leak = str(local.execute(ESCAPES["subclass-walk-wrap-close-environ"]))
        assert redteam.env_token in env_leak
        home = str(local.execute(f"print(open({str(redteam.home_file)!r}).read())"))
        assert redteam.home_token in home
        other = str(local.execute(f"print(open({str(redteam.other_file)!r}).read())"))
        assert redteam.other_token in other
        if redteam.key_token:
            assert redteam.key_token in str(local.execute(KEYRING))
