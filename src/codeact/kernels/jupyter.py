"""`local` kernel: real CPython through jupyter_client + ipykernel, one kernel per session.

Self-healing: an execution that runs past its timeout is interrupted; if the interrupt does not
take effect within `interrupt_grace` seconds the kernel is restarted and the observation says the
state was lost. A kernel that dies (os._exit, segfault, kill -9) is detected and restarted with a
notice. Subclasses change how the kernel process is launched (see `launch_spec`), not the loop.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import KernelManager
from jupyter_core.utils import run_sync

from codeact.contracts import Tool
from codeact.errors import KernelError
from codeact.kernels.kernel_log import KernelLog
from codeact.kernels.loop import STATE_LOST as STATE_LOST  # re-exported: other kernels use it
from codeact.kernels.loop import KernelLoop, dropping_malformed
from codeact.kernels.output import OutputCollector
from codeact.kernels.pyenv import PythonEnv, find_python_env
from codeact.kernels.wire import bounded_context, bounded_unpack

log = logging.getLogger(__name__)

KERNEL_ARGV = [
    sys.executable,
    "-m",
    "ipykernel_launcher",
    "-f",
    "{connection_file}",
    "--HistoryManager.hist_file=:memory:",
]


IDLE_AFTER_REPLY = 2.0  # seconds of iopub silence, once the execute_reply is in, before giving up
LOST_OUTPUT = (
    "some output of this execution was lost: the kernel's messages did not all arrive "
    "(the host drops any message over its size limit)"
)


@dataclass
class LaunchSpec:
    """How to start the kernel process. The sandbox overrides this; the agent never sees it."""

    argv: list[str] = field(default_factory=lambda: list(KERNEL_ARGV))
    env: dict[str, str] = field(default_factory=dict)
    transport: str = "ipc"
    interrupt_mode: str = "signal"
    wrap: Callable[[list[str]], list[str]] | None = None


@dataclass
class RuntimePaths:
    """Where a kernel's connection file and IPC sockets live on the host."""

    connection_file: Path
    ipc_prefix: Path  # sockets are "<prefix>-<port>"


# Kernels are launched from long-lived threads of their own: the sandbox's --die-with-parent is a
# parent-death signal, which Linux sends when the *thread* that started the process exits, so a
# kernel started from a short-lived thread (a server's request, a pool's worker) would die with it.
_launcher = ThreadPoolExecutor(max_workers=4, thread_name_prefix="codeact-launch")


def _in_launcher(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return _launcher.submit(fn, *args, **kwargs).result()


class _Manager(KernelManager):  # type: ignore[misc]
    """A KernelManager whose command can be wrapped (e.g. by bubblewrap)."""

    wrap: Callable[[list[str]], list[str]] | None = None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        cmd: list[str] = super().format_kernel_cmd(extra_arguments)
        return self.wrap(cmd) if self.wrap else cmd

    async def _async_interrupt_kernel(self) -> None:
        # best effort: the kernel's code can break its own control channel, and a restart
        # (which interrupts first) must go on regardless
        try:
            await super()._async_interrupt_kernel()
        except zmq.Again:
            log.warning("the interrupt could not be sent: the kernel's control channel is stuck")

    interrupt_kernel = run_sync(_async_interrupt_kernel)


class JupyterKernel(KernelLoop):
    """A stateful Python kernel on this machine (unsandboxed: for trusted code)."""

    name = "local"
    tier = "none"  # the host's own user, environment and network (SandboxKernel sets its own)

    def __init__(
        self,
        workdir: str | Path | None = None,
        *,
        timeout: float = 60.0,
        interrupt_grace: float = 3.0,
        startup_timeout: float = 30.0,
        max_output_chars: int = 1_000_000,
        render_limit: int = 4000,
        replay_on_restart: bool = False,
        python: str | Path | None = None,
    ) -> None:
        # another environment's interpreter (see pyenv.py), checked now: a clear error up front
        self.python_env: PythonEnv | None = find_python_env(python) if python else None
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="codeact-")).resolve()
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.timeout = timeout
        self.interrupt_grace = interrupt_grace
        self.startup_timeout = startup_timeout
        self.max_output_chars = max_output_chars
        self.render_limit = render_limit
        self.replay_on_restart = replay_on_restart
        self.tools: dict[str, Tool] = {}
        self.runtime_dir: Path | None = None  # host-side state: connection file, IPC sockets
        self.restarts = 0
        self._km: _Manager | None = None
        self._kc: BlockingKernelClient | None = None
        self._log: KernelLog | None = None

    # --- lifecycle --------------------------------------------------------------------------

    def launch_spec(self) -> LaunchSpec:
        env = dict(os.environ)
        env.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
        return LaunchSpec(argv=self.kernel_argv(), env=env)

    def kernel_argv(self) -> list[str]:
        """The kernel's command: this interpreter's, or that of the chosen environment."""
        if self.python_env is None:
            return list(KERNEL_ARGV)
        return [self.python_env.executable, *KERNEL_ARGV[1:]]

    def runtime_paths(self) -> RuntimePaths:
        """A private folder outside the workspace (the sandbox overrides this)."""
        if self.runtime_dir is None:
            self.runtime_dir = Path(tempfile.mkdtemp(prefix="codeact-run-"))
        return RuntimePaths(self.runtime_dir / "kernel.json", self.runtime_dir / "kernel")

    def start(self) -> None:
        if self._km is not None:
            return
        spec = self.launch_spec()
        paths = self.runtime_paths()
        # every host socket drops a peer that sends oversized frames; parsing is bounded too
        km = _Manager(
            transport=spec.transport,
            data_dir=str(paths.connection_file.parent),
            context=bounded_context(),
        )
        km.session.unpack = bounded_unpack
        km.connection_file = str(paths.connection_file)
        km.wrap = spec.wrap
        km._kernel_spec = KernelSpec(
            argv=spec.argv,
            language="python",
            display_name="codeact",
            interrupt_mode=spec.interrupt_mode,
        )
        if spec.transport == "ipc":
            km.ip = str(paths.ipc_prefix)
        # the kernel's own stdout/stderr (banners, crashes): a bounded tail, not the user's terminal
        self._log = KernelLog()
        try:
            _in_launcher(
                km.start_kernel,
                cwd=str(self.workdir),
                env=spec.env,
                stdout=self._log.fd,
                stderr=self._log.fd,
            )
        except Exception as exc:
            raise KernelError(f"could not start the kernel: {exc}{self._log_tail()}") from exc
        self._km = km
        self._connect()

    def _log_tail(self) -> str:
        tail = self._log.tail().strip() if self._log else ""
        return f"; it said: {tail}" if tail else ""

    def _connect(self) -> None:
        assert self._km is not None
        kc = self._km.client(context=self._km.context)
        # no heartbeat channel: liveness is the process itself, and a REQ socket whose peer the
        # kernel's code broke would block the host when the channels stop
        kc.start_channels(hb=False)
        try:
            kc.wait_for_ready(timeout=self.startup_timeout)
        except RuntimeError as exc:
            kc.stop_channels()
            raise KernelError(f"the kernel did not become ready: {exc}{self._log_tail()}") from exc
        self._kc = kc
        self._poller = zmq.Poller()
        self._poller.register(kc.iopub_channel.socket, zmq.POLLIN)
        self._poller.register(kc.stdin_channel.socket, zmq.POLLIN)
        self._poller.register(kc.shell_channel.socket, zmq.POLLIN)
        self._prepare()

    def restart(self) -> None:
        """Restart the kernel process: all state is lost, the working directory is kept."""
        if self._km is None:
            self.start()
            return
        if self._kc is not None:
            self._kc.stop_channels()
        try:
            _in_launcher(self._km.restart_kernel, now=True)
        except Exception as exc:
            raise KernelError(f"could not restart the kernel: {exc}") from exc
        self.restarts += 1
        self._connect()

    def interrupt(self) -> None:
        if self._km is not None and self._km.has_kernel:
            self._km.interrupt_kernel()

    def shutdown(self) -> None:
        try:
            self._stop_process()
        finally:
            self._release_files()

    def _stop_process(self) -> None:
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None
        if self._km is not None:
            try:
                self._km.shutdown_kernel(now=True)
            finally:
                self._km.context.destroy(linger=0)
                self._km = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _release_files(self) -> None:
        """Remove what the session left on the host (the sandbox gives back its slot instead)."""
        if self.runtime_dir is not None:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)
            self.runtime_dir = None
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> JupyterKernel:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def pid(self) -> int | None:
        """Process id of the kernel (or of its launcher, when wrapped)."""
        proc = getattr(self._km.provisioner, "process", None) if self._km else None
        return proc.pid if proc is not None else None

    def is_alive(self) -> bool:
        return self._km is not None and bool(self._km.is_alive())

    # --- transport (the execution policy is KernelLoop's) ----------------------------------

    def _connected(self) -> bool:
        return self._kc is not None

    def _send_execute(self, code: str, store_history: bool) -> str:
        assert self._kc is not None
        msg_id: str = self._kc.execute(code, allow_stdin=True, store_history=store_history)
        return msg_id

    def _send_input(self, value: str, request: dict[str, Any]) -> None:
        assert self._kc is not None
        self._kc.input(value)

    def _await_idle(self, msg_id: str, out: OutputCollector, deadline: float) -> bool:
        """Pump messages until the kernel is idle (True) or the deadline passes / it dies (False)."""
        assert self._kc is not None
        iopub, stdin, shell = self._kc.iopub_channel, self._kc.stdin_channel, self._kc.shell_channel
        replied: float | None = None  # when the execute_reply came, if it did
        heard = time.monotonic()  # when iopub last brought a message
        while True:
            now = time.monotonic()
            if replied is not None and now - max(replied, heard) > IDLE_AFTER_REPLY:
                # the reply came but the idle status never did: iopub lost messages, e.g. one the
                # host dropped for its size; the execution is over all the same
                out.notice(LOST_OUTPUT)
                return True
            wait = min(deadline - now, 0.5)
            if wait <= 0:
                return False
            ready = dict(self._poller.poll(int(wait * 1000) + 1))
            if not ready:
                if not self.is_alive():
                    return False
                continue
            if stdin.socket in ready:
                try:
                    request = stdin.get_msg(timeout=0)
                except Exception as exc:  # too big, too dense, forged: unread, but answered
                    self.refuse_input(out, f"the host would not read it ({exc})")
                else:
                    self._answer_input(request, out)
            while shell.msg_ready() and replied is None:
                with dropping_malformed(out):
                    reply = shell.get_msg(timeout=0)
                    if reply["parent_header"].get("msg_id") == msg_id:
                        replied = time.monotonic()
            while iopub.msg_ready() and time.monotonic() < deadline:
                heard = time.monotonic()
                with dropping_malformed(out):
                    msg = iopub.get_msg(timeout=0)
                    # The manager signs its interrupt_request with a clone of our session whose
                    # counter starts apart from ours, so after a restart its status messages can
                    # carry the msg_id of our execution: only execute_request's messages are ours.
                    parent_type = msg["parent_header"].get("msg_type", "execute_request")
                    if parent_type == "execute_request" and self._on_iopub(msg, msg_id, out):
                        self._drain_shell_reply()
                        return True

    def _drain_shell_reply(self) -> None:
        assert self._kc is not None
        while self._kc.shell_channel.msg_ready():
            with contextlib.suppress(Exception):
                self._kc.shell_channel.get_msg(timeout=0)

    def _exit_reason(self) -> str:
        proc = getattr(self._km.provisioner, "process", None) if self._km else None
        code = proc.poll() if proc is not None else None
        if code is None:
            return "exit status unknown"
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"
