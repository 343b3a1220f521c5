"""What the commands share: building the agent from flags, exit codes, Ctrl-C, and errors as
one line on stderr."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from codeact.agent import Agent
from codeact.cli.terminal import printable
from codeact.errors import CodeActError, KernelError, LLMError
from codeact.kernels import get_kernel
from codeact.llms import get_llm, parse_spec

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
    timeout: float,
    base_url: str | None,
    api_key: str | None,
    workdir: Path | None = None,
    python_env: str | None = None,
    allow_unsandboxed: bool = False,
    **agent_options: Any,
) -> Agent:
    llm_options: dict[str, Any] = {}
    if parse_spec(llm)[0] == "openai":
        llm_options = {"base_url": base_url, "api_key": api_key}
    kernel_options: dict[str, Any] = {"timeout": timeout, "workdir": workdir}
    if kernel == "sandbox":
        kernel_options["allow_unsandboxed"] = allow_unsandboxed
    if python_env:
        kernel_options["python"] = python_env
    with console.status(f"loading {llm} and starting the {kernel} kernel…"):
        model = get_llm(llm, **llm_options)
        runtime = get_kernel(kernel, **kernel_options)
        runtime.start()
    if kernel == "local":
        console.print(
            "[yellow]warning: the local kernel is NOT sandboxed; run trusted tasks only[/]"
        )
    return Agent(model, runtime, exec_timeout=timeout, **agent_options)


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
