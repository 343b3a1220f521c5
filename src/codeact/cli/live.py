"""What the terminal shows while the agent works: the reply as it streams, the cell's output as it
is produced, a spinner while nothing arrives, and after each step what was not streamed.

Every piece of text here comes from the model or the sandbox: it goes through `printable` and is
printed as `Text`, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.panel import Panel
from rich.status import Status
from rich.text import Text

from codeact.actions.base import BaseFormat
from codeact.cli.terminal import printable
from codeact.types import Action, CodeAction, Step

MAX_SHOWN = 20_000  # characters of one cell's output shown live; the trajectory keeps it all


class LiveDisplay:
    """The agent's `on_token`, `on_action`, `on_output` and `on_step` callbacks for a terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console
        # how the action format names an action while it runs (set once the agent is built)
        self.describe: Callable[[Action], str] = _describe
        self._status: Status | None = None
        self._column = 0  # 0 when the cursor is at the start of a line
        self._shown = 0  # characters of the current cell's output shown so far

    # --- the callbacks ------------------------------------------------------------------------

    def start(self) -> None:
        """A run begins: the model is thinking."""
        self._wait("thinking…")

    def on_token(self, text: str) -> None:
        self._write(text, "")

    def on_action(self, action: Action) -> None:
        self._newline()
        self._shown = 0
        what = self.describe(action)
        if what:
            self._wait(f"{what}…")

    def on_output(self, text: str) -> None:
        if self._shown >= MAX_SHOWN:
            return
        if self._shown + len(text) >= MAX_SHOWN:
            text = text[: MAX_SHOWN - self._shown] + "\n[… more output; the trajectory keeps it]\n"
        self._shown += len(text)
        self._write(text, "")

    def on_step(self, step: Step) -> None:
        self.stop()
        self._newline()
        if step.format_error:
            self.console.print(Panel(Text(printable(step.format_error)), title="format error"))
        obs = step.observation
        if obs is not None:
            style = "red" if obs.error or obs.notices else "green"
            if isinstance(step.action, CodeAction):  # its output was streamed: the rest only
                extra = [f"[image saved to {path}]" for path in obs.images]
                extra += [f"[{notice}]" for notice in obs.notices]
                if extra:
                    self.console.print(Text(printable("\n".join(extra)), style=style))
            else:
                self.console.print(Panel(Text(printable(str(obs))), style=style))
            self.console.rule(Text(f"turn {step.turn} · {obs.seconds:.2f} s", style=style))
        self._wait("thinking…")

    def stop(self) -> None:
        """Stop the spinner (the run ended, or text is about to be printed)."""
        if self._status is not None:
            self._status.stop()
            self._status = None

    # --- printing -----------------------------------------------------------------------------

    def _wait(self, what: str) -> None:
        self.stop()
        # `what` may hold a model-chosen tool name: shown as plain text, escapes and markup inert
        self._status = self.console.status(Text(printable(what[:200])))
        self._status.start()

    def _write(self, text: str, style: str) -> None:
        self.stop()
        shown = printable(text)
        if shown:
            self.console.print(Text(shown, style=style), end="", soft_wrap=True)
            self._column = (
                len(shown) - shown.rfind("\n") - 1 if "\n" in shown else (self._column + len(shown))
            )

    def _newline(self) -> None:
        if self._column:
            self.console.print()
            self._column = 0


def _describe(action: Action) -> str:
    return BaseFormat().describe(action)
