"""What the commands share: building the agent from flags, and turning errors into one line."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from codeact.agent import Agent
from codeact.cli.terminal import printable
from codeact.errors import CodeActError
from codeact.kernels import get_kernel
from codeact.llms import get_llm, parse_spec

console = Console(highlight=False)


def build_agent(
    *,
    llm: str,
    kernel: str,
    timeout: float,
    base_url: str | None,
    api_key: str | None,
    allow_unsandboxed: bool = False,
    **agent_options: Any,
) -> Agent:
    llm_options: dict[str, Any] = {}
    if parse_spec(llm)[0] == "openai":
        llm_options = {"base_url": base_url, "api_key": api_key}
    with console.status(f"loading {llm} and starting the {kernel} kernel…"):
        model = get_llm(llm, **llm_options)
        runtime = get_kernel(kernel, **_kernel_options(kernel, timeout, allow_unsandboxed))
        runtime.start()
    if kernel == "local":
        console.print(
            "[yellow]warning: the local kernel is NOT sandboxed; run trusted tasks only[/]"
        )
    return Agent(model, runtime, exec_timeout=timeout, **agent_options)


def _kernel_options(kernel: str, timeout: float, allow_unsandboxed: bool) -> dict[str, Any]:
    options: dict[str, Any] = {"timeout": timeout}
    if kernel == "sandbox":
        options["allow_unsandboxed"] = allow_unsandboxed
    return options


@contextmanager
def friendly_errors() -> Iterator[None]:
    """Show codeact errors as one red line and exit 2, instead of a traceback."""
    try:
        yield
    except CodeActError as exc:
        console.print(f"[bold red]error:[/] {escape(printable(str(exc)))}")
        raise typer.Exit(2) from None
