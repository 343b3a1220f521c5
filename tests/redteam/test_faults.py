"""Faults: the kernel is killed, stopped, crashed or wedged (from the host, or by its own code).
Each time the observation says what happened, the kernel is usable again, nothing of the dead
sandbox is left running, and the other session did not notice.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator

import pytest
from redteam_harness import Harness, alive, kernel_python, later, sandbox_processes, start_kernel

from codeact.kernels.sandbox import SandboxKernel

RESTARTED = r"did not respond to an interrupt, so the kernel was restarted"
INTERRUPTED = r"KeyboardInterrupt[\s\S]*Execution timed out after [\d.]+ s and was interrupted"


def died(how: str) -> str:
    return rf"The kernel died \({how}\) and was restarted"


@pytest.fixture(scope="module")
def victim(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    kernel = start_kernel(tmp_path_factory.mktemp("faults"))
    yield kernel
    kernel.shutdown()


# --- from the host, while code runs ------------------------------------------------------------


def _targets(kernel: SandboxKernel, which: str) -> list[int]:
    procs = sandbox_processes(kernel)
    launcher = kernel.pid
    assert launcher is not None
    if which == "python":
        return [kernel_python(kernel)]
    if which == "launcher":
        return [launcher]
    if which == "namespace-init":
        init = [pid for pid, argv in procs.items() if pid != launcher and "bwrap" in argv[0]]
        assert len(init) == 1, procs
        return init
    return list(procs)  # "everything"


HOST_SIGNALS = {
    "sigkill-the-python": ("python", signal.SIGKILL, died("killed by SIGKILL")),
    "sigkill-the-launcher": ("launcher", signal.SIGKILL, died("killed by SIGKILL")),
    "sigkill-the-namespace-init": ("namespace-init", signal.SIGKILL, r"The kernel died \("),
    "sigkill-everything": ("everything", signal.SIGKILL, died("killed by SIGKILL")),
    "sigterm-the-python": ("python", signal.SIGTERM, r"The kernel died \(killed by SIGTERM\)"),
    "sigstop-the-python": ("python", signal.SIGSTOP, RESTARTED),
    "sigstop-everything": ("everything", signal.SIGSTOP, RESTARTED),
}


@pytest.mark.parametrize(("which", "sig", "expect"), HOST_SIGNALS.values(), ids=HOST_SIGNALS.keys())
def test_host_signals_the_sandbox_mid_execution(
    redteam: Harness, victim: SandboxKernel, which: str, sig: signal.Signals, expect: str
) -> None:
    victim.execute("before = 'set'")
    doomed = list(sandbox_processes(victim))
    errors: list[BaseException] = []

    def strike() -> None:
        try:
            for pid in _targets(victim, which):
                # a process may already be gone: killing one part of the sandbox ends the rest
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
        except BaseException as exc:  # reported below: a timer thread cannot fail the test
            errors.append(exc)

    timer = later(0.5, strike)
    obs = redteam.attack(
        victim, "import time\ntime.sleep(20)\nprint('not reached')", expect, timeout=1.5
    )
    timer.join()
    assert not errors, errors
    assert "not reached" not in obs.output
    assert "NameError" in str(victim.execute("before")), "a restart must lose the state"
    # nothing of the old sandbox is left running (stopped processes included)
    deadline = time.monotonic() + 5
    while any(alive(p) for p in doomed) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in doomed if alive(p)], "processes of the dead sandbox are still alive"


def test_a_short_stop_is_only_a_pause(redteam: Harness, victim: SandboxKernel) -> None:
    pid = kernel_python(victim)
    later(0.2, lambda: os.kill(pid, signal.SIGSTOP))
    later(0.8, lambda: os.kill(pid, signal.SIGCONT))
    restarts = victim.restarts
    redteam.attack(victim, "import time\ntime.sleep(1.2)\nprint('woke up')", r"woke up", timeout=5)
    assert victim.restarts == restarts


# --- from inside -------------------------------------------------------------------------------

SELF_INFLICTED = {
    "os-exit-3": ("import os\nos._exit(3)", died("exit code 3")),
    "os-exit-0": ("import os\nos._exit(0)", died("exit code 0")),
    "segfault-null-read": ("import ctypes\nctypes.string_at(0)", died("killed by SIGSEGV")),
    "segfault-faulthandler": (
        "import faulthandler\nfaulthandler._sigsegv()",
        died("killed by SIGSEGV"),
    ),
    "segfault-null-write": (
        "import ctypes\nctypes.memset(0, 1, 8)",
        died("killed by SIGSEGV"),
    ),
    "abort": ("import os\nos.abort()", died("killed by SIGABRT")),
    "sigbus-from-libc": (
        'import ctypes, signal\ngetattr(ctypes.CDLL(None), "raise")(signal.SIGBUS)',
        died("killed by SIGBUS"),
    ),
    "sigkill-self": (
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
        died("killed by SIGKILL"),
    ),
    "sigkill-own-process-group": (
        "import os, signal\nos.killpg(0, signal.SIGKILL)",
        died("killed by SIGKILL"),
    ),
    "sigterm-self": (
        "import os, signal\nos.kill(os.getpid(), signal.SIGTERM)",
        r"The kernel died \(killed by SIGTERM\)|SIGTERM",
    ),
    "sigstop-self": ("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)", RESTARTED),
    "sigkill-namespace-init-from-inside": (
        "import os, signal\ntry:\n    os.kill(1, signal.SIGKILL)\nfinally:\n    print('kill returned')",
        r"kill returned|The kernel died",
    ),
    "c-stack-overflow": (
        "import faulthandler\nfaulthandler._stack_overflow()",
        died("killed by SIGSEGV"),
    ),
    "deep-repr-over-c-stack": (
        "import sys\nsys.setrecursionlimit(10**8)\nl = []\nfor _ in range(3 * 10**5):\n    l = [l]\nrepr(l)",
        died("killed by SIGSEGV"),
    ),
    "recursion-limit": (
        "def f():\n    return f()\nf()",
        r"RecursionError: maximum recursion depth exceeded",
    ),
    "deep-json": ("import json\njson.loads('[' * 10**6 + ']' * 10**6)", r"RecursionError"),
    "deep-compile": (
        "eval('(' * 300 + ')' * 300)",
        r"SyntaxError|too many nested|RecursionError|MemoryError",
    ),
    "uninterruptible-c-loop": ("sum(range(10**13))", RESTARTED),
    "regex-catastrophic-backtracking": (
        "import re\nre.match(r'(a+)+$', 'a' * 40 + 'b')",
        RESTARTED,
    ),
    "sigint-ignored": (
        "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(30)",
        RESTARTED,
    ),
    "sigint-blocked": (
        "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\ntime.sleep(30)",
        RESTARTED,
    ),
    "keyboardinterrupt-swallowed": (
        "import time\nwhile True:\n    try:\n        time.sleep(30)\n    except KeyboardInterrupt:\n        pass",
        RESTARTED,
    ),
    "blocking-lock-is-interruptible": ("import threading\nthreading.Event().wait()", INTERRUPTED),
    "blocking-pipe-read-is-interruptible": (
        "import os\nr, w = os.pipe()\nos.read(r, 1)",
        INTERRUPTED,
    ),
    "iopub-socket-closed": (
        "get_ipython().kernel.iopub_socket.close()",
        rf"{RESTARTED}|The kernel died",
    ),
    "forged-unsigned-message": (
        "k = get_ipython().kernel\n"
        "k.iopub_socket.send_multipart([b'<IDS|MSG>', b'bad', b'{}', b'{}', b'{}', b'{}'])\n"
        "import time; time.sleep(0.3); print('sent')",
        r"sent[\s\S]*malformed message from the kernel was ignored",
    ),
    "forged-signed-malformed-message": (
        "k = get_ipython().kernel\n"
        "k.session.send(k.iopub_socket, 'stream', content={}, parent=k.get_parent('shell'))\n"
        "k.session.send(k.iopub_socket, 'error', content={'x': 1}, parent=k.get_parent('shell'))\n"
        "import time; time.sleep(0.3); print('sent')",
        r"sent[\s\S]*malformed message from the kernel was ignored",
    ),
}


# cases that finish on their own but take CPU time (a deep traceback to format, a C stack to
# overflow): on a loaded machine 1.5 s is not enough, and their outcome does not depend on it
UNHURRIED = {SELF_INFLICTED[k][0] for k in ("recursion-limit", "deep-repr-over-c-stack")}


@pytest.mark.parametrize(("code", "expect"), SELF_INFLICTED.values(), ids=SELF_INFLICTED.keys())
def test_the_kernel_survives_its_own_code(
    redteam: Harness, victim: SandboxKernel, code: str, expect: str
) -> None:
    redteam.attack(victim, code, expect, timeout=15 if code in UNHURRIED else 1.5)


def test_an_interrupt_right_after_a_restart_keeps_the_next_result(
    redteam: Harness, fresh: SandboxKernel
) -> None:
    """The manager's interrupt_request is signed with a clone of the client's session: after a
    restart their counters line up and its status messages carried the next execution's msg_id,
    so that execution ended at once, empty."""
    hang = "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\ntime.sleep(30)"
    redteam.attack(fresh, hang, RESTARTED, timeout=1.5)
    redteam.attack(fresh, "import time\ntime.sleep(30)", INTERRUPTED, timeout=1.5)
    redteam.attack(fresh, "print('after', 6 * 7)", r"^after 42$")


# --- a fault in one session is not felt by another ----------------------------------------------


def test_a_crash_loop_next_door_leaves_a_busy_session_alone(
    redteam: Harness, fresh: SandboxKernel
) -> None:
    """The other session works through the crashes, with its state intact."""
    crashes: list[Callable[[], object]] = [
        lambda: fresh.execute("import os\nos._exit(1)"),
        lambda: fresh.execute("import ctypes\nctypes.string_at(0)"),
        lambda: os.kill(kernel_python(fresh), signal.SIGKILL),
    ]
    for crash in crashes:
        crash()
        counted = redteam.other.execute(
            "other_count = globals().get('other_count', 0) + 1; other_count"
        )
        assert str(counted).isdigit()
        redteam.assert_other_intact()
    redteam.attack(fresh, "print('still', 'here')", r"still here|The kernel died")
    assert fresh.restarts >= 2
