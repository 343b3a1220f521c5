"""What the commands share: building the agent from flags, exit codes, Ctrl-C, and errors as
one line on stderr."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from codeact.actions import get_format
from codeact.agent import Agent
from codeact.cli.terminal import printable
from codeact.errors import CodeActError, KernelError, LLMError
from codeact.kernels import get_kernel
from codeact.kernels.isolation import unsandboxed_warning
from codeact.llms import get_llm

console = Console(highlight=False)
errors = Console(stderr=True, highlight=False, soft_wrap=True)

# Exit codes of `run` (and of the other commands where they apply), documented in the README.
EXIT_ANSWERED = 0  # "finished" (and "replied", unless --require-solution)
EXIT_LIMIT = 1  # "max_turns", "max_tokens", "wall_time"; or a reply under --require-solution
EXIT_USAGE = 2  # bad input or configuration, refused before any work
EXIT_LLM = 3  # the model backend failed
EXIT_KERNEL = 4  # the kernel could not start or died for good
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


def build_agent(
    *,
    llm: str,
    kernel: str,
    action_format: str,
    timeout: float,
    llm_options: dict[str, Any],
    kernel_options: dict[str, Any],
    **agent_options: Any,
) -> Agent:
    """The agent the flags describe. Options go to the backends' constructors as given (the
    registry checks them); the kernel is built only when the format runs code, and any kernel
    that does not declare itself sandboxed gets a warning."""
    fmt = get_format(action_format)
    runtime = None
    with console.status(
        f"loading {llm}" + (f" and starting the {kernel} kernel…" if fmt.runs_code else "…")
    ):
        model = get_llm(llm, **llm_options)
        if fmt.runs_code:
            runtime = get_kernel(kernel, timeout=timeout, **kernel_options)
            runtime.start()
    warning = unsandboxed_warning(runtime) if runtime is not None else None
    if warning:
        errors.print(Text(f"warning: {warning}", style="yellow"))
    return Agent(model, runtime, action_format=fmt, exec_timeout=timeout, **agent_options)


def start_mcp_servers(targets: list[str]) -> list[Any]:
    """The `--mcp` servers, started (a failure closes the others and says why); each tool a
    server offers that codeact cannot express is named in a warning."""
    if not targets:
        return []
    from codeact.tools.mcp import open_servers

    with console.status(f"starting {len(targets)} MCP server{'s' * (len(targets) > 1)}…"):
        servers = open_servers(targets)
    for server in servers:
        for skipped in server.skipped:
            errors.print(Text(f"warning: MCP tool skipped: {skipped}", style="yellow"))
    return servers


def show_error(exc: BaseException) -> None:
    errors.print(Text.assemble(("error: ", "bold red"), printable(str(exc))))


def exit_code_of(exc: CodeActError) -> int:
    if isinstance(exc, LLMError):
        return EXIT_LLM
    if isinstance(exc, KernelError):
        return EXIT_KERNEL
    return EXIT_USAGE


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show codeact errors as one red line on stderr and exit with their code, not a traceback."""
    try:
        yield
    except CodeActError as exc:
        show_error(exc)
        raise typer.Exit(exit_code_of(exc)) from None


@contextmanager
def interrupts_go_to(agent: Agent) -> Iterator[None]:
    """While the agent works, Ctrl-C interrupts it: a generation stops at its next token and
    running code is interrupted. A second Ctrl-C raises KeyboardInterrupt."""
    pressed = 0

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        nonlocal pressed
        pressed += 1
        if pressed > 1:
            raise KeyboardInterrupt
        errors.print("[yellow]interrupting… (Ctrl-C again to quit)[/]")
        agent.interrupt()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
