"""`codeact run TASK`: one task, shown live, ending with the answer and a summary line."""

from __future__ import annotations

import time
from pathlib import Path

from rich.markup import escape

from codeact.cli.common import build_agent, console, friendly_errors
from codeact.cli.display import StepPrinter, print_outcome
from codeact.cli.terminal import printable

EXIT_CODES = {"finished": 0, "replied": 0}


def run_task(
    task: str,
    *,
    llm: str,
    kernel: str,
    max_turns: int,
    max_tokens: int | None,
    max_seconds: float | None,
    timeout: float,
    output: Path | None,
    base_url: str | None,
    api_key: str | None,
    allow_unsandboxed: bool = False,
) -> int:
    """Run one task; the exit code is 0 when the agent answered, 1 when it hit a limit."""
    started = time.perf_counter()
    with friendly_errors():
        agent = build_agent(
            llm=llm,
            kernel=kernel,
            timeout=timeout,
            base_url=base_url,
            api_key=api_key,
            allow_unsandboxed=allow_unsandboxed,
            max_turns=max_turns,
            max_tokens=max_tokens,
            max_seconds=max_seconds,
            on_step=StepPrinter(console),
        )
        with agent:
            console.print(f"[bold]task:[/] {escape(printable(task))}")
            with console.status("working…"):
                trajectory = agent.run(task)
        if output is not None:
            trajectory.save(output)
            console.print(f"[dim]trajectory saved to {output}[/]")
    print_outcome(console, trajectory, time.perf_counter() - started)
    return EXIT_CODES.get(trajectory.status, 1)
