"""`codeact chat`: an interactive session with a persistent kernel.

The reply streams as it is written and the code's output as it is produced. Ctrl-C while the
agent works stops the generation at once, or interrupts the running code, and hands the turn back
to you. At the prompt: line editing and history (prompt_toolkit, on a terminal), the commands
below, and Ctrl-D (or /exit) to leave. An error of the model backend ends the turn, not the
session.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text

from codeact.agent import Agent
from codeact.cli.common import console, friendly_errors, show_error
from codeact.cli.display import print_outcome
from codeact.cli.live import LiveDisplay
from codeact.cli.run_cmd import SessionOptions, run_live
from codeact.errors import CodeActError

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession

EXIT_WORDS = {"/exit", "/quit", "exit", "quit"}
HELP = """commands:
  /help         this list
  /reset        start a new conversation (the kernel restarts: variables are gone, files stay)
  /undo         forget your last message and the agent's work on it (the kernel keeps its state)
  /save [FILE]  save the conversation's trajectory (default: --output, else next to the folder)
  /exit         leave (or Ctrl-D)"""


def chat_loop(options: SessionOptions) -> None:
    with friendly_errors():
        options.check()
        workdir = options.folder("chat")
        display = LiveDisplay(console)
        try:
            with options.agent(workdir, display) as agent:
                console.print(
                    Text.assemble(
                        ("codeact chat", "bold"),
                        f" · {agent.llm.name} · files in {workdir} · /help for commands",
                    )
                )
                _converse(agent, options, display, workdir)
        finally:
            options.close(workdir)
    console.print("goodbye")


def _converse(agent: Agent, options: SessionOptions, display: LiveDisplay, workdir: Path) -> None:
    ask = _prompter()
    while (message := ask()) is not None:
        if message.startswith("/"):
            if not _command(message, agent, options, workdir):
                return
            continue
        try:
            result = run_live(agent, message, display)
        except CodeActError as exc:  # the turn ends; the session goes on
            show_error(exc)
            continue
        print_outcome(console, result)
        if options.output is not None:
            agent.trajectory.save(options.output)


def _command(line: str, agent: Agent, options: SessionOptions, workdir: Path) -> bool:
    """Run a /command; False to leave."""
    word, _, arg = line.partition(" ")
    if word.lower() in EXIT_WORDS:
        return False
    if word == "/help":
        console.print(Text(HELP))
    elif word == "/reset":
        agent.reset()
        console.print("new conversation; the kernel was restarted")
    elif word == "/undo":
        done = agent.undo()
        console.print("forgot the last message" if done else "nothing to undo")
    elif word == "/save":
        path = Path(arg.strip()) if arg.strip() else options.output or workdir.with_suffix(".json")
        try:
            agent.trajectory.save(path)
        except OSError as exc:
            show_error(exc)
        else:
            console.print(Text(f"saved to {path}"))
    else:
        console.print(Text(f"unknown command {word}; /help lists them"))
    return True


def _prompter() -> Callable[[], str | None]:
    """A function that asks for the next message; None when the user leaves."""
    if sys.stdin.isatty() and sys.stdout.isatty():
        session = _line_editor()

        def read() -> str:
            return str(session.prompt("you> "))
    else:

        def read() -> str:
            return console.input("[bold green]you>[/] ")

    def ask() -> str | None:
        while True:
            try:
                message = read().strip()
            except (EOFError, KeyboardInterrupt):
                console.print()
                return None
            if message.lower() in EXIT_WORDS:
                return None
            if message:
                return message

    return ask


def _line_editor() -> PromptSession[str]:
    """prompt_toolkit with a history file, kept under $XDG_STATE_HOME/codeact/."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.history import FileHistory

    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    folder = state / "codeact"
    folder.mkdir(parents=True, exist_ok=True)
    return PromptSession(history=FileHistory(str(folder / "chat_history")))
