"""What a benchmark is made of: tasks, how their answers are checked, and reference solutions.

A suite is a Python module or object exposing `SUITE: Suite`. Built-in suites live in
`codeact.bench.tasks`; a user adds one without touching the harness, by import path
(`codeact bench run --suite mypkg.mybench`) or by a `codeact.benchmarks` entry point.

A task may carry a reference solution for each action format (code, json, text), written as the
assistant replies a perfect model would give. The oracle run replays them with the scripted LLM:
it must score 100% in every format, which proves each task is solvable within the turn limit and
that the checker accepts the right answer. The built-in suites have references for every task and
format; a suite without them still runs with real models (the oracle skips what has none).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal

from codeact.contracts import LLM, Kernel, Tool

ToolFactory = Callable[[], list[Tool]]  # fresh tool instances (and state) for one run
FORMATS = ("code", "json", "text")


@dataclass(frozen=True)
class Check:
    """How an answer is compared with the ground truth (see codeact.bench.scoring)."""

    decimals: int = 2  # non-integer numbers: equal within half a unit of this decimal place
    tolerance: float | None = None  # or within this absolute amount (e.g. a cent of rounding)
    unordered: bool = False  # lists: compare as multisets
    case_sensitive: bool = False  # text


@dataclass(frozen=True)
class Call:
    """One tool call: a name and keyword arguments."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass
class Submission:
    """What a task's own checker sees: the final answer, this episode's tools (and their state),
    and `kernel()`, a fresh started kernel for checks that run code, as a context manager (whoever
    provides it decides what leaving does: a fresh kernel is shut down)."""

    answer: str
    tools: Sequence[Tool]
    kernel: Callable[[], AbstractContextManager[Kernel]]


Grader = Callable[[Submission], bool]
Expert = Callable[[int, float], LLM]  # (seed, mistake rate) -> a reactive scripted teacher


@dataclass
class Task:
    """One benchmark task.

    `answer` is the ground truth, computed from the tools. `reference` maps each format to the
    replies that solve the task (optional: the oracle skips a task without one). For an atomic tool-call case, `expected_call` is the one correct
    call: the first call the model makes is compared with it (name and normalized arguments) and
    so is its executed result.

    Data environments (`codeact.data.envs`) add three things: `grade`, the task's own checker,
    used instead of matching `answer`; `setup`, Python run in the kernel before the episode (a
    table loaded as `conn` or `df`); and `expert`, a scripted teacher that reads the observations.
    """

    id: str
    domain: str
    prompt: str
    answer: Any
    make_tools: ToolFactory
    reference: dict[str, list[str]] = field(default_factory=dict)
    check: Check = field(default_factory=Check)
    expected_call: Call | None = None
    grade: Grader | None = None
    setup: str = ""
    expert: Expert | None = None

    @property
    def atomic(self) -> bool:
        return self.expected_call is not None


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


# --- building tasks and reference solutions ---------------------------------------------------

MAX_CALLS = 8  # one tool call per turn, plus the final answer, within the default 10 turns


def planned_task(
    domain: str,
    name: str,
    prompt: str,
    calls: Sequence[Call],
    code: str,
    answer: Any,
    make_tools: ToolFactory,
    *,
    tools: Sequence[Tool] | None = None,
    check: Check | None = None,
) -> Task:
    """A task whose references come from one plan (see `references`), checked to be solvable:
    the JSON and text plans fit the turn limit, and the answer as written matches itself."""
    from codeact.bench.scoring import matches  # scoring imports this module

    check = check or Check()
    if len(calls) > MAX_CALLS:
        raise ValueError(
            f"{domain}-{name}: {len(calls)} calls; at most {MAX_CALLS} fit the turn limit"
        )
    if not matches(answer_text(answer), answer, check):
        raise ValueError(
            f"{domain}-{name}: the answer {answer!r} does not survive being written out"
        )
    code = textwrap.dedent(code).strip()
    reference = references(tools or make_tools(), calls, code, answer)
    return Task(f"{domain}-{name}", domain, prompt, answer, make_tools, reference, check)


def answer_text(answer: Any) -> str:
    """The answer as a model would write it inside <solution>."""
    if isinstance(answer, float):
        return f"{answer:.6f}".rstrip("0").rstrip(".") if abs(answer) < 1e15 else repr(answer)
    if isinstance(answer, str):
        return answer
    return repr(answer)


def references(
    tools: Sequence[Tool], calls: Sequence[Call], code: str, answer: Any
) -> dict[str, list[str]]:
    """Reference replies for every format from one plan.

    code: one <execute> block running `code` (which calls the tools and prints), then the answer.
    json and text: each call in turn, one per reply, then the answer.
    """
    solution = f"<solution>{answer_text(answer)}</solution>"
    params = {t.name: list(t.json_schema()["parameters"]["properties"]) for t in tools}
    return {
        "code": [f"<execute>\n{code.strip()}\n</execute>", solution],
        "json": [_json_call(c) for c in calls] + [solution],
        "text": [_text_call(c, params[c.name]) for c in calls] + [solution],
    }


def _json_call(call: Call) -> str:
    import json

    return json.dumps({"tool": call.name, "args": call.args})


def _text_call(call: Call, params: list[str]) -> str:
    unknown = set(call.args) - set(params)
    if unknown:
        raise ValueError(f"{call.name} has no parameters {sorted(unknown)}")
    # positional: every parameter up to the last one given
    last = max((params.index(k) for k in call.args), default=-1)
    missing = [p for p in params[: last + 1] if p not in call.args]
    if missing:
        raise ValueError(f"text calls are positional: give {missing} for {call.name}")
    values = ", ".join(repr(call.args[p]) for p in params[: last + 1])
    return f"Action: {call.name}{', ' + values if values else ''} End Action"
