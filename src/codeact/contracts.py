"""The four seams of codeact. Every backend implements one of these; the agent knows nothing else.

Backends are found by name (`codeact.registry`: built-ins, `codeact.<kind>` entry points, import
paths) and built with keyword options (`--llm-opt`, `--kernel-opt`, `get_llm(spec, **options)`),
checked against the constructor's signature before the run. The constructors follow one contract:

- LLM: `Backend(model, **options)`, `model` being what follows the provider in the spec (left out
  when the spec has none). Every backend takes `max_tokens` (a cap on the tokens of one reply; the
  benchmark passes it to every backend). Optional class attributes declare capabilities:
  `check_model(model)` (a cheap check, run before anything is built), `per_episode = True` (the
  benchmark builds one per episode and passes `episode=`, a `codeact.bench.episode.Episode`;
  the scripted, oracle and expert backends work so), `covers(task, action_format) -> bool`
  (whether it can play that task in that format; the benchmark skips what it cannot) and
  `thread_safe = False` (one request at a time: the server serializes the calls it shares).
- Kernel: `Backend(workdir=None, *, timeout=..., **options)`; `start()` is idempotent (a started
  kernel ignores it), and `tier` says how isolated the code is (codeact.kernels.isolation).
- ActionFormat: `Backend(**options)`; a new instance per session, since a format may learn the
  tools from `system_prompt`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from codeact.types import Action, Completion, Message, Observation

TokenCallback = Callable[[str], None]
OutputCallback = Callable[[str], None]  # a chunk of a cell's stdout/stderr, as it is produced


@runtime_checkable
class LLM(Protocol):
    """A chat model. `stream`, when given, receives text chunks as they arrive.

    Native function calling is an optional capability: a backend whose `complete()` also takes
    `tools=` (OpenAI-style `{"type": "function", "function": schema}` entries) returns the model's
    calls as `Completion.tool_calls`, and reads them back from assistant messages' `tool_calls`
    and the answers from "tool" messages. Only a format that declares `native_tools` (the `tools`
    format) sends `tools=`, so a backend without it keeps working with every other format.
    """

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
    """A stateful Python interpreter. State persists across `execute` calls until restart.

    `name` names the backend (it is saved in trajectories). `tier` is its isolation, in the words
    of codeact.kernels.isolation: "none" (the host's own process), "process", "namespaces",
    "full", or "remote" (another machine). The CLI warns about anything less than a sandbox, so a
    wrapper must pass on the tier of what it wraps (codeact.kernels.wrapper does).
    """

    name: str
    tier: str
    workdir: Path

    def start(self) -> None:
        """Start the kernel; idempotent: a started kernel ignores it."""
        ...

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
    """How actions are written (code, JSON, text, or a format of your own): the prompt, the parser
    and its inverse, and how observations and actions are shown.

    A format declares what the rest of the system would otherwise infer from its name:
    `runs_code` (its actions are code, so the agent and the benchmark hand it a kernel), optionally
    `native_tools` (its actions are the model server's native calls: see codeact.actions.tools for
    the three methods it adds, `tool_specs`, `parse_message` and `render_reply`), `nudge`
    (what the model is told after a plain-language reply when only an answer or an action counts)
    and `describe` (how the CLI names an action while it runs). `render_action` is the inverse of
    `parse`: `parse(render_action(a))` gives `a` back, which is how one stored reference solution
    is written out in every format. A format that runs code writes a `ToolCall` as code that makes
    the call and prints its result.
    """

    name: str
    stop: list[str]
    runs_code: bool
    nudge: str

    def system_prompt(self, tools: Sequence[Tool]) -> str: ...

    def parse(self, text: str) -> Action:
        """Return the action in `text`; raise FormatError (written for the model) if malformed."""
        ...

    def clean(self, text: str) -> str:
        """The reply as kept in the history: cut after its one action, closing markup restored."""
        ...

    def render_action(self, action: Action) -> str:
        """`action` as this format writes it; ValueError when the format cannot express it."""
        ...

    def describe(self, action: Action) -> str:
        """A few words for the CLI while `action` runs ("running code", "calling lookup")."""
        ...

    def render_observation(self, observation: Observation | str) -> str: ...
