"""What a benchmark is made of: tasks, how their answers are checked, and reference solutions.

A suite is a Python module or object exposing `SUITE: Suite`. Built-in suites live in
`codeact.bench.tasks`; a user adds one without touching the harness, by import path
(`codeact bench run --suite mypkg.mybench`) or by a `codeact.benchmarks` entry point.

A task may carry a reference solution, stored once as actions (`Reference`): the tool calls a
perfect model makes one per turn, and, for formats that run code, the same solution as one
program. Each format writes it out itself (`ActionFormat.render_action`), so the oracle run, which
replays references with the scripted LLM, works for every format, built-in or not. It must score
100%, which proves each task is solvable within the turn limit and that the checker accepts the
right answer. The built-in suites have a reference for every task; a suite without them still runs
with real models (the oracle skips what has none).

Beyond a prompt and a ground truth, a task may give a dialogue history (messages, earlier tool
calls and their results, written in the format under test), a system prompt of its own, a prompt
per format, its own judge (codeact.bench.judges), tools that take the episode's seed, and a mark
saying it is known to be unsolvable (reported apart, not counted as a failure).
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from codeact.contracts import LLM, ActionFormat, Tool
from codeact.types import Action, CodeAction, Finish, Message, Observation, ToolCall

if TYPE_CHECKING:
    from codeact.bench.judges import Judge

# fresh tool instances (and state) for one run; a factory with a `seed` parameter gets the
# episode's seed, so that tools with random outputs repeat within an episode and its judge
ToolFactory = Callable[..., list[Tool]]
Call = ToolCall  # one tool call: a name and keyword arguments
HistoryItem = Message | Action | Observation


@dataclass(frozen=True)
class Check:
    """How an answer is compared with the ground truth (see codeact.bench.scoring)."""

    decimals: int = 2  # non-integer numbers: equal within half a unit of this decimal place
    tolerance: float | None = None  # or within this absolute amount (e.g. a cent of rounding)
    unordered: bool = False  # lists: compare as multisets
    case_sensitive: bool = False  # text


@dataclass(frozen=True)
class Reference:
    """A reference solution, stored once as actions and written out by each format.

    `calls` solve the task one tool call per turn (None: no such plan); `code`, when given, solves
    it as one program, for formats that run code. A format that runs code but has no program runs
    the calls, one per turn, as code. `answer` is the final answer as the model writes it.
    """

    answer: str
    calls: tuple[ToolCall, ...] | None = None
    code: str | None = None

    def actions(self, fmt: ActionFormat) -> list[Action] | None:
        """The actions, one per reply, that solve the task in `fmt`; None when there are none."""
        plan: list[Action]
        if fmt.runs_code and self.code is not None:
            plan = [CodeAction(self.code)]
        elif self.calls is not None:
            plan = list(self.calls)
        else:
            return None
        return [*plan, Finish(self.answer)]

    def replies(self, fmt: ActionFormat) -> list[str | Message] | None:
        """The replies a perfect model writes in `fmt` (the format must have seen the tools, as
        `system_prompt` shows them, since some formats map arguments by position): text, or
        assistant messages for a format with native calls (`render_reply`)."""
        actions = self.actions(fmt)
        return None if actions is None else [render_reply(fmt, a) for a in actions]


def render_reply(fmt: ActionFormat, action: Action) -> str | Message:
    """`action` as `fmt` replies with it: its text, or the assistant message of native calls."""
    native = getattr(fmt, "render_reply", None)
    if callable(native):
        reply: Message = native(action)
        return reply
    return fmt.render_action(action)


# (seed, mistake rate) -> a reactive scripted teacher for the task (the `expert` backend plays it)
Expert = Callable[[int, float], LLM]


@dataclass
class Task:
    """One benchmark task.

    `answer` is the ground truth, computed from the tools. For an atomic tool-call case,
    `expected_call` is the one correct call: the first call the model makes is compared with it
    (name and normalized arguments) and so is its executed result. `judge` replaces the default
    judging (codeact.bench.judges). `history` comes before the prompt: messages as they are, an
    action as the assistant's turn written in the format under test, an observation as the result
    that came back. `system_prompt` opens the system message (the format's own instructions and
    the tools follow it); `prompts` gives a prompt per format name, `prompt` serving the others.
    `unsolvable` says why a task is known to be unsolvable: it still runs, and is reported apart.
    `setup` is Python run in the kernel before the episode (a table loaded as `conn`, say), and
    `expert` a reactive teacher that reads the observations (data environments: codeact.data.envs;
    `--llm expert` plays it).
    """

    id: str
    domain: str
    prompt: str
    answer: Any
    make_tools: ToolFactory
    reference: Reference | None = None
    check: Check = field(default_factory=Check)
    expected_call: ToolCall | None = None
    history: Sequence[HistoryItem] = ()
    system_prompt: str | None = None
    prompts: Mapping[str, str] = field(default_factory=dict)
    judge: Judge | None = None
    unsolvable: str | None = None
    setup: str = ""
    expert: Expert | None = None

    @property
    def atomic(self) -> bool:
        return self.expected_call is not None

    def prompt_for(self, fmt: ActionFormat) -> str:
        return self.prompts.get(fmt.name, self.prompt)

    def tools(self, seed: int = 0) -> list[Tool]:
        """Fresh tools for one episode; a factory that takes a `seed` gets it."""
        if "seed" in _parameters(self.make_tools):
            return self.make_tools(seed=seed)
        return self.make_tools()


@dataclass
class Suite:
    name: str
    description: str
    tasks: list[Task]
    kind: Literal["multi_turn", "atomic"] = "multi_turn"

    def __post_init__(self) -> None:
        ids = [t.id for t in self.tasks]
        if len(set(ids)) != len(ids):
            raise ValueError(f"suite {self.name!r} has duplicate task ids")


def _parameters(func: Callable[..., Any]) -> Mapping[str, inspect.Parameter]:
    try:
        return inspect.signature(func).parameters
    except (TypeError, ValueError):
        return {}


# --- building tasks ---------------------------------------------------------------------------

MAX_CALLS = 8  # one tool call per turn, plus the final answer, within the default 10 turns


def planned_task(
    domain: str,
    name: str,
    prompt: str,
    calls: Sequence[ToolCall],
    code: str,
    answer: Any,
    make_tools: ToolFactory,
    *,
    check: Check | None = None,
) -> Task:
    """A task whose reference is one plan: `calls` for the formats that call tools, `code` for
    those that run code. Checked to be solvable: the calls fit the turn limit, and the answer as
    written matches itself."""
    check = check or Check()
    return Task(
        f"{domain}-{name}",
        domain,
        prompt,
        answer,
        make_tools,
        reference(f"{domain}-{name}", calls, code, answer, check),
        check,
    )


def reference(
    task_id: str, calls: Sequence[ToolCall] | None, code: str | None, answer: Any, check: Check
) -> Reference:
    """A checked Reference: at most MAX_CALLS calls, and an answer that survives being written."""
    from codeact.bench.scoring import matches  # scoring imports this module

    if calls is not None and len(calls) > MAX_CALLS:
        raise ValueError(f"{task_id}: {len(calls)} calls; at most {MAX_CALLS} fit the turn limit")
    if not matches(answer_text(answer), answer, check):
        raise ValueError(f"{task_id}: the answer {answer!r} does not survive being written out")
    program = textwrap.dedent(code).strip() if code is not None else None
    return Reference(answer_text(answer), tuple(calls) if calls is not None else None, program)


def answer_text(answer: Any) -> str:
    """The answer as a model would write it (the text of its Finish action)."""
    if isinstance(answer, float):
        return f"{answer:.6f}".rstrip("0").rstrip(".") if abs(answer) < 1e15 else repr(answer)
    if isinstance(answer, str):
        return answer
    return repr(answer)
