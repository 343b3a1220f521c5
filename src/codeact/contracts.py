"""The four seams of codeact. Every backend implements one of these; the agent knows nothing else."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from codeact.types import Action, Completion, Message, Observation

TokenCallback = Callable[[str], None]
OutputCallback = Callable[[str], None]  # a chunk of a cell's stdout/stderr, as it is produced


@runtime_checkable
class LLM(Protocol):
    """A chat model. `stream`, when given, receives text chunks as they arrive."""

    name: str

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: TokenCallback | None = None,
    ) -> Completion: ...


@runtime_checkable
class Tool(Protocol):
    """A host-side function offered to the agent."""

    name: str
    signature: str  # e.g. "search(query: str, k: int = 3) -> list[str]"
    doc: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any: ...

    def json_schema(self) -> dict[str, Any]: ...


@runtime_checkable
class Kernel(Protocol):
    """A stateful Python interpreter. State persists across `execute` calls until restart."""

    workdir: Path

    def start(self) -> None: ...

    def execute(
        self, code: str, *, timeout: float | None = None, on_output: OutputCallback | None = None
    ) -> Observation:
        """Run `code`; `on_output`, when given, receives the text output as it is produced."""
        ...

    def interrupt(self) -> None: ...

    def restart(self) -> None: ...

    def shutdown(self) -> None: ...

    def register_tools(self, tools: Sequence[Tool]) -> None: ...

    def __enter__(self) -> Kernel: ...

    def __exit__(self, *exc: object) -> None: ...


@runtime_checkable
class ActionFormat(Protocol):
    """How actions are written (code, JSON, text): prompt, parser and observation rendering."""

    name: str
    stop: list[str]

    def system_prompt(self, tools: Sequence[Tool]) -> str: ...

    def parse(self, text: str) -> Action:
        """Return the action in `text`; raise FormatError (written for the model) if malformed."""
        ...

    def clean(self, text: str) -> str:
        """The reply as kept in the history: cut after its one action, closing markup restored."""
        ...

    def render_observation(self, observation: Observation | str) -> str: ...
