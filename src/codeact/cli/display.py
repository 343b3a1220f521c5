"""The end of a run in the terminal: the answer and a summary line (see live.py for the steps)."""

from __future__ import annotations

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from codeact.cli.terminal import printable
from codeact.types import RunResult


def print_outcome(console: Console, result: RunResult) -> None:
    if result.answer is not None:
        title = "answer" if result.status == "finished" else "reply"
        console.print(Panel(Text(printable(result.answer)), title=title, style="bold cyan"))
    usage = result.usage
    console.print(
        f"[dim]{result.status} · {_count(result.turns, 'turn')} · {usage.total_tokens} tokens "
        f"({usage.prompt_tokens} prompt, {usage.completion_tokens} completion) · "
        f"{result.seconds:.1f} s[/]"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
