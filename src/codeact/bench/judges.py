"""Judges: whether an episode solved its task, from what happened in it.

A judge is any function `judge(evidence) -> bool`. A task picks one with `Task(judge=...)`;
without one, a task with an `expected_call` is judged by `first_call` and any other by
`final_answer`. The evidence holds the whole trajectory and every tool call the episode made, in
order, with its result, whatever the format (the code format's calls are recorded on the host as
they cross the bridge), the episode's tools as the task built them (so a judge can read their
state), and `kernel()`, a fresh started kernel for checks that run code. So a suite can judge by
stored results, per-API rules, the tools' final state, or anything else:

    def judge(evidence):
        call, result = evidence.calls[0]
        return call.name == "get_weather" and result == STORED[evidence.task.id]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from codeact.bench.scoring import call_matches, matches
from codeact.bench.suite import Task
from codeact.contracts import Kernel, Tool
from codeact.types import ToolCall, Trajectory

KernelFactory = Callable[[], AbstractContextManager[Kernel]]


def fresh_kernel() -> AbstractContextManager[Kernel]:
    """A started sandboxed kernel; leaving it (a Kernel is a context manager) shuts it down."""
    from codeact.kernels import get_kernel

    kernel = get_kernel("sandbox", timeout=30)
    kernel.start()
    return kernel


@dataclass
class Evidence:
    task: Task
    trajectory: Trajectory
    calls: list[tuple[ToolCall, Any]]  # (call, its result or the exception it raised), in order
    seed: int = 0
    tools: Sequence[Tool] = ()  # the episode's tools as the task built them, with their state
    # a fresh started kernel for checks that run code, as a context manager (whoever provides it
    # decides what leaving does: a fresh kernel is shut down)
    kernel: KernelFactory = fresh_kernel

    @property
    def answer(self) -> str | None:
        """The final answer, when the episode ended with one."""
        return self.trajectory.answer if self.trajectory.status == "finished" else None


Judge = Callable[[Evidence], bool]


def final_answer(evidence: Evidence) -> bool:
    """The final answer matches the task's ground truth under its Check."""
    task = evidence.task
    return evidence.answer is not None and matches(evidence.answer, task.answer, task.check)


def first_call(evidence: Evidence) -> bool:
    """The first call the model made is the expected one (name, normalized arguments), and it
    returned the task's ground truth (API-Bank's call level)."""
    return _first_call(evidence, rerun=False)


def first_call_rerun(evidence: Evidence) -> bool:
    """As `first_call`, but the expected result is the expected call run now, on fresh tools
    built with the episode's seed: for tools with random outputs."""
    return _first_call(evidence, rerun=True)


def _first_call(evidence: Evidence, *, rerun: bool) -> bool:
    task, expected = evidence.task, evidence.task.expected_call
    if expected is None or not evidence.calls:
        return False
    call, result = evidence.calls[0]
    if isinstance(result, Exception) or not call_matches(call, expected, task.check):
        return False
    truth = execute(task.tools(evidence.seed), expected) if rerun else task.answer
    return matches(result, truth, task.check)


def execute(tools: list[Any], call: ToolCall) -> Any:
    """Run `call` on `tools` (the ground truth of an atomic case)."""
    by_name = {t.name: t for t in tools}
    if call.name not in by_name:
        raise ValueError(f"no tool {call.name!r}; the tools are {', '.join(sorted(by_name))}")
    tool = by_name[call.name]
    invoke = getattr(tool, "invoke", None)
    return invoke(call.args) if callable(invoke) else tool(**call.args)


def judge_of(task: Task) -> Judge:
    if task.judge is not None:
        return task.judge
    return first_call if task.expected_call is not None else final_answer
