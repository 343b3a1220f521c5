"""The execution policy shared by kernels that speak the Jupyter protocol (local and gateway).

A subclass supplies the transport (send an execute request, send an input reply, pump messages
until idle) and the lifecycle (interrupt, restart, liveness); this class runs code, answers tool
calls, and heals: past the deadline it interrupts, and restarts when the interrupt is not enough
or the kernel died, saying so in the observation.
"""

from __future__ import annotations

import contextlib
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from codeact.contracts import OutputCallback, Tool
from codeact.errors import KernelError
from codeact.kernels import prelude
from codeact.kernels.output import OutputCollector
from codeact.tools import bridge
from codeact.types import Observation

STATE_LOST = (
    "All variables, imports and definitions are gone; files in the working directory are kept. "
    "Re-run any setup code you still need."
)


class KernelLoop(ABC):
    """Run code, answer tool calls and recover from hangs and deaths; transport left abstract."""

    workdir: Path
    timeout: float
    interrupt_grace: float
    startup_timeout: float
    max_output_chars: int
    render_limit: int
    tools: dict[str, Tool]
    # who owns the files the host writes into the workspace (images), when not the host's user
    file_owner: tuple[int, int] | None = None
    # opt-in: after a restart, re-run the cells that succeeded, to rebuild the lost state
    replay_on_restart: bool = False
    _good_cells: list[str] | None = None

    # --- what a transport provides --------------------------------------------------------------

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def restart(self) -> None: ...

    @abstractmethod
    def interrupt(self) -> None: ...

    @abstractmethod
    def is_alive(self) -> bool: ...

    @abstractmethod
    def _connected(self) -> bool:
        """Whether the kernel is started and can take requests now."""

    @abstractmethod
    def _send_execute(self, code: str, store_history: bool) -> str:
        """Send an execute_request (stdin allowed); return its msg_id."""

    @abstractmethod
    def _send_input(self, value: str, request: dict[str, Any]) -> None:
        """Send `value` as the input_reply to `request`."""

    @abstractmethod
    def _await_idle(self, msg_id: str, out: OutputCollector, deadline: float) -> bool:
        """Pump messages until the kernel is idle (True) or the deadline passes / it dies (False)."""

    @abstractmethod
    def _exit_reason(self) -> str:
        """Why the kernel died, for the notice (e.g. "exit code 3")."""

    # --- tools ----------------------------------------------------------------------------------

    def register_tools(self, tools: Sequence[Tool]) -> None:
        """Make `tools` callable from code; they run on the host, reached over the stdin channel."""
        self.tools.update({t.name: t for t in tools})
        if self._connected() and self.tools:
            self._install_tools()

    def _install_tools(self) -> None:
        obs = self._run(bridge.stub_source(list(self.tools.values())), self.startup_timeout, False)
        if obs.error:
            raise KernelError(f"could not install tool stubs: {obs.error.value}")

    def _prepare(self) -> None:
        """Once a (re)started kernel is ready: the prelude, then the tool stubs."""
        obs = self._run(prelude.SOURCE, self.startup_timeout, False)
        if obs.error:
            raise KernelError(f"could not prepare the kernel: {obs.error.value}")
        if self.tools:
            self._install_tools()

    def _answer_input(self, msg: dict[str, Any], out: OutputCollector) -> None:
        """Answer an input request: a tool call through the bridge, anything else end-of-file.
        Every request gets a reply, however it is malformed: the kernel must not be left waiting."""
        content = msg.get("content") if isinstance(msg, dict) else None
        prompt = content.get("prompt", "") if isinstance(content, dict) else None
        if not isinstance(prompt, str):
            self.refuse_input(out, "its prompt is not text")
        elif bridge.is_tool_request(prompt):
            self._send_input(bridge.answer(prompt, self.tools), msg)
        else:
            out.notice("input() is not available: no user is attached to this kernel")
            self._send_input(bridge.EOF_REPLY, msg)

    def refuse_input(self, out: OutputCollector, why: str) -> None:
        """Answer an input request the host would not read with end-of-file (the kernel accepts
        any reply on its stdin channel, so no request goes unanswered)."""
        out.notice(f"an input request from the kernel was answered with end-of-file: {why}")
        self._send_input(bridge.EOF_REPLY, {})

    # --- execution ------------------------------------------------------------------------------

    def execute(
        self, code: str, *, timeout: float | None = None, on_output: OutputCallback | None = None
    ) -> Observation:
        self.start()
        obs = self._run(code, self.timeout if timeout is None else timeout, True, on_output)
        if self.replay_on_restart and obs.ok:
            self._good_cells = [*(self._good_cells or []), code]
        return obs

    def _run(
        self,
        code: str,
        timeout: float,
        store_history: bool,
        on_output: OutputCallback | None = None,
    ) -> Observation:
        started = time.monotonic()
        out = OutputCollector(
            self.workdir,
            max_chars=self.max_output_chars,
            render_limit=self.render_limit,
            file_owner=self.file_owner,
            on_output=on_output,
        )
        try:
            msg_id = self._send_execute(code, store_history)
        except Exception as exc:  # a channel the kernel's own code broke: start afresh
            self.restart()
            out.notice(
                f"The kernel's channel was broken ({type(exc).__name__}), so it was restarted "
                f"and the code was not run. {self._rebuild()}"
            )
            return out.observation(time.monotonic() - started)
        if not self._await_idle(msg_id, out, started + timeout):
            self._recover(out, timeout, msg_id)
        return out.observation(time.monotonic() - started)

    @staticmethod
    def _on_iopub(msg: dict[str, Any], msg_id: str, out: OutputCollector) -> bool:
        """Collect one iopub message; True when it says execution `msg_id` is over."""
        if msg["parent_header"].get("msg_id") != msg_id:
            return False
        if msg["header"]["msg_type"] == "status":
            return bool(msg["content"]["execution_state"] == "idle")
        out.add(msg)
        return False

    def _recover(self, out: OutputCollector, timeout: float, msg_id: str) -> None:
        """The deadline passed or the kernel died: interrupt, and restart if that is not enough."""
        if not self.is_alive():
            self._restart_after_death(out)
            return
        self.interrupt()
        if self._await_idle(msg_id, out, time.monotonic() + self.interrupt_grace):
            out.notice(
                f"Execution timed out after {timeout:g} s and was interrupted. "
                "Variables defined before the interrupted code are kept."
            )
            return
        if not self.is_alive():  # it died while the interrupt was on its way
            self._restart_after_death(out)
            return
        self.restart()
        out.notice(
            f"Execution timed out after {timeout:g} s and did not respond to an interrupt, "
            f"so the kernel was restarted. {self._rebuild()}"
        )

    def _restart_after_death(self, out: OutputCollector) -> None:
        reason = self._exit_reason()  # read before the restart replaces the process
        self.restart()
        out.notice(f"The kernel died ({reason}) and was restarted. {self._rebuild()}")

    def _rebuild(self) -> str:
        """After a restart: replay the successful cells if opted in; say what state is left."""
        cells = self._good_cells or []
        if not (self.replay_on_restart and cells):
            return STATE_LOST
        failed = sum(not self._run(c, self.timeout, False).ok for c in cells)
        if failed:
            self._good_cells = None
            return (
                f"Replaying the {len(cells)} earlier successful cells to rebuild the state failed "
                f"in {failed} of them, so some variables may be missing. Check before relying on them."
            )
        return f"The state was rebuilt by replaying the {len(cells)} earlier successful cells."


@contextlib.contextmanager
def dropping_malformed(out: OutputCollector) -> Iterator[None]:
    """Skip a message the kernel's code forged or garbled (bad signature, missing fields): it must
    not take down the host's side of the session. Said once per execution."""
    try:
        yield
    except Exception as exc:
        note = "a malformed message from the kernel was ignored"
        if not out.has_notice(note):
            out.notice(f"{note} ({type(exc).__name__})")
