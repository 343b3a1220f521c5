"""Value types that flow through the agent: messages, actions, observations, trajectories."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]

TRAJECTORY_FORMAT = "codeact.trajectory"
TRAJECTORY_VERSION = 1


@dataclass
class ToolRequest:
    """A native function call as the model server sent it (the `tools` format): the call's id,
    the function's name, and its arguments as the raw JSON text the model wrote."""

    id: str
    name: str
    arguments: str


@dataclass
class Message:
    """One message. Only in the `tools` format: an assistant message may carry `tool_calls`,
    and a "tool" message answers the call whose id is `tool_call_id`."""

    role: Role
    content: str
    tool_calls: list[ToolRequest] = field(default_factory=list)
    tool_call_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        """As saved (the two native fields only when set, so other formats save as before)."""
        data: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            data["tool_calls"] = [asdict(call) for call in self.tool_calls]
        if self.tool_call_id:
            data["tool_call_id"] = self.tool_call_id
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Message:
        calls = [ToolRequest(**call) for call in data.get("tool_calls", [])]
        return cls(data["role"], data["content"], calls, data.get("tool_call_id", ""))


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated: bool = False  # the backend reported nothing; counts were estimated

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class Completion:
    """One reply of an LLM. `finish_reason` is "stop", "length" or what the backend said."""

    text: str
    usage: Usage = field(default_factory=Usage)
    seconds: float = 0.0
    finish_reason: str = "stop"
    model: str = ""
    tool_calls: list[ToolRequest] = field(default_factory=list)  # native function calls


# --- actions: what ActionFormat.parse() returns -------------------------------------------


@dataclass
class CodeAction:
    """Python to run in the kernel."""

    code: str


@dataclass
class ToolCall:
    """One call of a named tool (JSON and text formats)."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class ToolCalls:
    """The native function calls of one reply (the `tools` format), run in order; each is
    answered by its own "tool" message."""

    calls: list[ToolCall]


@dataclass
class Finish:
    """The model's final answer."""

    answer: str


@dataclass
class Reply:
    """A plain-language message for the user; the turn goes back to them."""

    text: str


Action = CodeAction | ToolCall | ToolCalls | Finish | Reply
ACTION_TYPES: dict[str, type[Action]] = {
    t.__name__: t for t in (CodeAction, ToolCall, ToolCalls, Finish, Reply)
}


def action_to_dict(action: Action) -> dict[str, Any]:
    """An action as saved: its type name and its fields."""
    return {"type": type(action).__name__, **asdict(action)}


def action_from_dict(data: dict[str, Any]) -> Action:
    fields = dict(data)
    kind = ACTION_TYPES.get(fields.pop("type", ""))
    if kind is None:
        raise ValueError(f"unknown action type {data.get('type')!r}")
    if kind is ToolCalls:
        return ToolCalls([ToolCall(**call) for call in fields["calls"]])
    return kind(**fields)


# --- observations ----------------------------------------------------------------------------

NO_OUTPUT = "[Code executed successfully with no output]"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)


def truncate_middle(text: str, limit: int) -> str:
    """Keep the head and tail of `text` within about `limit` characters, saying how much was cut."""
    if limit <= 0 or len(text) <= limit:
        return text
    head = text[: limit // 2]
    tail = text[len(text) - limit // 2 :]
    cut = len(text) - len(head) - len(tail)
    return f"{head}\n... [{cut} characters truncated] ...\n{tail}"


@dataclass
class ExecutionError:
    name: str
    value: str
    traceback: str


@dataclass
class Observation:
    """What one action produced. `str(obs)` is exactly the text the model is shown.

    `output` is the full text (streams in arrival order, last value, traceback without ANSI codes);
    it is kept whole in the trajectory, while the rendering keeps head and tail within `limit`.
    """

    output: str = ""
    error: ExecutionError | None = None
    images: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0
    limit: int = 4000
    dropped_bytes: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None and not self.notices

    def __str__(self) -> str:
        parts = [truncate_middle(self.output.rstrip("\n"), self.limit)] if self.output else []
        parts += [f"[image saved to {path}]" for path in self.images]
        parts += [f"[{notice}]" for notice in self.notices]
        return "\n".join(parts) if parts else NO_OUTPUT


# --- trajectory -------------------------------------------------------------------------------


@dataclass
class Step:
    """Metadata of one turn: the LLM call, the parsed action and what executing it gave."""

    turn: int
    completion: Completion
    action: Action | None = None
    observation: Observation | None = None
    format_error: str | None = None
    llm_seconds: float = 0.0
    exec_seconds: float = 0.0
    step_seconds: float = 0.0


class _StepTotals:
    """Turns and token usage, summed over `steps`."""

    steps: list[Step]

    @property
    def turns(self) -> int:
        return len(self.steps)

    @property
    def usage(self) -> Usage:
        total = Usage()
        for step in self.steps:
            total.prompt_tokens += step.completion.usage.prompt_tokens
            total.completion_tokens += step.completion.usage.completion_tokens
        return total


@dataclass
class RunResult(_StepTotals):
    """What one `Agent.run()` call gave: its outcome and its own steps.

    Statuses: "finished" (a final answer), "replied" (a plain-language reply: the turn is the
    user's), "max_turns", "max_tokens", "wall_time" (a budget ran out) and "interrupted".
    The whole conversation stays on the agent (`agent.trajectory`).
    """

    status: str
    answer: str | None
    steps: list[Step] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Trajectory(_StepTotals):
    """The message list the LLM saw, plus per-step metadata. Saved as versioned JSON."""

    messages: list[Message] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    status: str = "running"
    answer: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["messages"] = [m.to_dict() for m in self.messages]
        data["steps"] = [step_to_dict(step) for step in self.steps]
        return {"format": TRAJECTORY_FORMAT, "version": TRAJECTORY_VERSION, **data}

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=1, ensure_ascii=False))
        return path

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trajectory:
        if data.get("format") != TRAJECTORY_FORMAT:
            raise ValueError("not a codeact trajectory (missing 'format': 'codeact.trajectory')")
        if data.get("version") != TRAJECTORY_VERSION:
            raise ValueError(f"unsupported trajectory version {data.get('version')!r}")
        return cls(
            messages=[Message.from_dict(m) for m in data["messages"]],
            steps=[_step_from_dict(s) for s in data["steps"]],
            status=data["status"],
            answer=data["answer"],
            meta=data.get("meta", {}),
        )

    @classmethod
    def load(cls, path: str | Path) -> Trajectory:
        return cls.from_dict(json.loads(Path(path).read_text()))


def step_to_dict(step: Step) -> dict[str, Any]:
    """A step as saved (in a trajectory, in the server's event log)."""
    data = asdict(step)
    data["action"] = action_to_dict(step.action) if step.action else None
    return data


def _step_from_dict(data: dict[str, Any]) -> Step:
    data = dict(data)
    completion = data.pop("completion")
    completion["usage"] = Usage(**completion["usage"])
    completion["tool_calls"] = [ToolRequest(**c) for c in completion.get("tool_calls", [])]
    action = data.pop("action")
    obs = data.pop("observation")
    if obs is not None:
        error = obs.pop("error")
        obs = Observation(**obs, error=ExecutionError(**error) if error else None)
    return Step(
        completion=Completion(**completion),
        action=action_from_dict(action) if action else None,
        observation=obs,
        **data,
    )
