"""`codeact run TASK`: one task, shown live, ending with the answer and a summary line.

Statuses and exit codes: "finished" 0; "replied" 0 (1 under --require-solution, where a reply is
not an answer); "max_turns", "max_tokens", "wall_time" 1; bad input 2 (before any work); the model
backend failed 3; the kernel failed 4; "interrupted" (Ctrl-C) 130. The trajectory is saved to
--output whatever the outcome.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import typer
from rich.text import Text

from codeact.actions import get_format
from codeact.agent import Agent, check_limits
from codeact.cli.common import (
    EXIT_ANSWERED,
    EXIT_INTERRUPTED,
    EXIT_LIMIT,
    build_agent,
    console,
    friendly_errors,
    interrupts_go_to,
    start_mcp_servers,
)
from codeact.cli.display import print_outcome
from codeact.cli.live import LiveDisplay
from codeact.cli.terminal import printable
from codeact.cli.workdir import check_writable, session_folder
from codeact.errors import ConfigError
from codeact.kernels import check_kernel
from codeact.llms import check_spec
from codeact.tools.toolsets import close_all
from codeact.types import RunResult


@dataclass
class SessionOptions:
    """The flags `run` and `chat` share."""

    llm: str
    kernel: str
    action_format: str
    max_turns: int
    timeout: float
    output: Path | None
    workdir: Path | None = None
    ephemeral: bool = False
    llm_options: dict[str, Any] = field(default_factory=dict)
    kernel_options: dict[str, Any] = field(default_factory=dict)
    mcp: list[str] = field(default_factory=list)  # MCP servers: command lines or URLs

    def check(self, max_tokens: int | None = None, max_seconds: float | None = None) -> None:
        """Refuse bad input in one line, before anything is loaded or started."""
        check_limits(self.max_turns, max_tokens, max_seconds, self.timeout)
        check_spec(self.llm, **self.llm_options)
        if get_format(self.action_format).runs_code:
            check_kernel(self.kernel, workdir=None, timeout=self.timeout, **self.kernel_options)
        if self.ephemeral and self.workdir is not None:
            raise ConfigError("--ephemeral and --workdir exclude each other")
        if self.output is not None:
            check_writable(self.output)

    def folder(self, label: str) -> Path:
        if self.ephemeral:
            return Path(tempfile.mkdtemp(prefix="codeact-"))
        return session_folder(self.workdir, label)

    def agent(self, workdir: Path, display: LiveDisplay, **options: object) -> Agent:
        servers = start_mcp_servers(self.mcp)
        try:
            agent = self._build(servers, display, workdir, **options)
        except BaseException:
            close_all(servers)
            raise
        display.describe = agent.format.describe
        return agent

    def _build(
        self, servers: list[Any], display: LiveDisplay, workdir: Path, **options: object
    ) -> Agent:
        return build_agent(
            llm=self.llm,
            kernel=self.kernel,
            action_format=self.action_format,
            timeout=self.timeout,
            llm_options=self.llm_options,
            kernel_options={"workdir": workdir, **self.kernel_options},
            max_turns=self.max_turns,
            on_token=display.on_token,
            on_action=display.on_action,
            on_output=display.on_output,
            on_step=display.on_step,
            tools=servers,  # closed with the agent
            **options,
        )

    def close(self, workdir: Path) -> None:
        """After the kernel is gone: remove an ephemeral folder, or say where the kept one is (the
        sandbox has handed it back: its owner restored, no set-id bits left; see kernels/slots.py)."""
        if self.ephemeral:
            shutil.rmtree(workdir, ignore_errors=True)
            return
        console.print(Text(f"files are in {workdir}", style="dim"))


def run_task(
    task: str,
    options: SessionOptions,
    *,
    max_tokens: int | None,
    max_seconds: float | None,
    require_solution: bool,
) -> int:
    """Run one task; the exit code says how it ended (see the module docstring)."""
    with friendly_errors():
        if not task.strip():
            raise ConfigError("the task is empty: say what the agent should do")
        options.check(max_tokens, max_seconds)
        workdir = options.folder(task)
        display = LiveDisplay(console)
        try:
            agent = options.agent(
                workdir,
                display,
                max_tokens=max_tokens,
                max_seconds=max_seconds,
                require_solution=require_solution,
            )
            with agent:
                console.print(Text.assemble(("task: ", "bold"), printable(task)))
                console.print(Text(f"working folder: {workdir}", style="dim"))
                result = run_live(agent, task, display)
        finally:
            options.close(workdir)
        if options.output is not None:
            agent.trajectory.save(options.output)
            console.print(Text(f"trajectory saved to {options.output}", style="dim"))
    print_outcome(console, result)
    status = result.status
    if status == "interrupted":
        console.print("[yellow]interrupted[/]")
        raise typer.Exit(EXIT_INTERRUPTED)
    if status == "finished" or (status == "replied" and not require_solution):
        return EXIT_ANSWERED
    return EXIT_LIMIT


def run_live(agent: Agent, task: str, display: LiveDisplay) -> RunResult:
    """One run shown live; a second Ctrl-C ends it at once, keeping what was produced."""
    started, first_step = time.perf_counter(), len(agent.trajectory.steps)
    display.start()
    try:
        with interrupts_go_to(agent):
            return agent.run(task)
    except KeyboardInterrupt:
        agent.trajectory.status = "interrupted"
        steps = agent.trajectory.steps[first_step:]
        return RunResult("interrupted", None, steps, time.perf_counter() - started)
    finally:
        display.stop()
