"""Live rendering of agent steps in the terminal with rich."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.syntax import Syntax
from rich.text import Text

from codeact.cli.terminal import printable
from codeact.types import Step, Trajectory


class StepPrinter:
    """An `on_step` callback: the model's words, its code highlighted, then the output."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def __call__(self, step: Step) -> None:
        action = step.action or {}
        thought = _thought(step.completion.text)
        if thought and action.get("type") != "Reply":
            self.console.print(Text(printable(thought), style="italic"))
        if action.get("type") == "CodeAction":
            code = Syntax(printable(action["code"]), "python", theme="monokai", line_numbers=False)
            self.console.print(Panel(code, title=f"turn {step.turn} · code", title_align="left"))
        if step.format_error:
            self.console.print(
                Panel(Text(printable(step.format_error)), title="format error", style="yellow")
            )
        if step.observation is not None:
            obs = step.observation
            style = "red" if obs.error or obs.notices else "green"
            title = f"output · {obs.seconds:.2f} s"
            self.console.print(
                Panel(Text(printable(str(obs))), title=title, title_align="left", style=style)
            )


def print_outcome(console: Console, trajectory: Trajectory, seconds: float) -> None:
    if trajectory.answer is not None:
        title = "answer" if trajectory.status == "finished" else "reply"
        console.print(Panel(Text(printable(trajectory.answer)), title=title, style="bold cyan"))
    usage = trajectory.usage
    console.print(
        f"[dim]{trajectory.status} · {trajectory.turns} turns · {usage.total_tokens} tokens "
        f"({usage.prompt_tokens} prompt, {usage.completion_tokens} completion) · {seconds:.1f} s[/]"
    )


def _thought(text: str) -> str:
    for marker in ("<execute>", "<solution>", "```"):
        text = text.split(marker, 1)[0]
    return text.strip()
