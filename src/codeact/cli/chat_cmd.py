"""`codeact chat`: an interactive session with a persistent kernel.

Ctrl-C while the agent works interrupts the running code and hands the turn back to you;
Ctrl-C or Ctrl-D at the prompt (or typing /exit) leaves.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from codeact.agent import Agent
from codeact.cli.common import build_agent, console, friendly_errors
from codeact.cli.display import StepPrinter, print_outcome

EXIT_WORDS = {"/exit", "/quit", "exit", "quit"}


def chat_loop(
    *,
    llm: str,
    kernel: str,
    max_turns: int,
    timeout: float,
    output: Path | None,
    base_url: str | None,
    api_key: str | None,
    allow_unsandboxed: bool = False,
) -> None:
    with friendly_errors():
        agent = build_agent(
            llm=llm,
            kernel=kernel,
            timeout=timeout,
            base_url=base_url,
            api_key=api_key,
            allow_unsandboxed=allow_unsandboxed,
            max_turns=max_turns,
            on_step=StepPrinter(console),
        )
    workdir = agent.kernel.workdir if agent.kernel else "none"
    console.print(
        f"[bold]codeact chat[/] · {agent.llm.name} · working directory {workdir} · /exit to leave"
    )
    with agent:
        while (message := _ask()) is not None:
            started = time.perf_counter()
            with friendly_errors(), _interrupts_go_to(agent):
                trajectory = agent.run(message)
            print_outcome(console, trajectory, time.perf_counter() - started)
            if output is not None:
                trajectory.save(output)


def _ask() -> str | None:
    while True:
        try:
            message = console.input("[bold green]you>[/] ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return None
        if message.lower() in EXIT_WORDS:
            return None
        if message:
            return message


@contextmanager
def _interrupts_go_to(agent: Agent) -> Iterator[None]:
    """While the agent works, Ctrl-C interrupts it (a second Ctrl-C leaves)."""
    pressed = 0

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        nonlocal pressed
        pressed += 1
        if pressed > 1:
            raise KeyboardInterrupt
        console.print("[yellow]interrupting… (Ctrl-C again to quit)[/]")
        agent.interrupt()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
