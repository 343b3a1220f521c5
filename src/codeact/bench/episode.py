"""One benchmark episode: a task, a model and a format under an evaluation protocol.

Protocols:
- `pass@1`: one attempt, no feedback; the run ends at the first final answer.
- `feedback` (the paper's): a wrong final answer gets "Your answer is incorrect. Please try
  again." and the model continues, until it is right or the turn limit is reached.

Two options give the protocol CodeActInstruct's data was collected under (MINT's): `max_solutions`
ends the episode after that many wrong answers, and `countdown` tells the model its budget, first
with the task and then after every observation ("You have 3 steps left and 1 chance to propose
solution left.").

Turns are LLM calls, counted over the whole episode (failures count every turn they used), as in
the paper. Atomic cases are judged on the FIRST tool call the model makes: its name and
normalized arguments against the expected call, and its executed result against the expected one.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from codeact.actions import get_format
from codeact.agent import Agent
from codeact.bench.countdown import Budget, Countdown
from codeact.bench.recording import CallLog, recording
from codeact.bench.scoring import call_matches, matches
from codeact.bench.suite import Submission, Task
from codeact.contracts import LLM, Kernel, Tool
from codeact.errors import KernelError
from codeact.types import Trajectory

PROTOCOLS = ("pass@1", "feedback")
FEEDBACK = "Your answer is incorrect. Please try again."


@dataclass
class Outcome:
    success: bool
    turns: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    status: str
    answer: str | None
    errors_recovered: int
    trajectory: Trajectory


def run_episode(
    task: Task,
    llm: LLM,
    action_format: str,
    kernel: Kernel | None,
    *,
    protocol: str = "feedback",
    max_turns: int = 10,
    exec_timeout: float = 30.0,
    max_solutions: int | None = None,
    countdown: bool = False,
    new_kernel: Callable[[], AbstractContextManager[Kernel]] | None = None,
) -> Outcome:
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; choose from {', '.join(PROTOCOLS)}")
    tools = task.make_tools()
    log: CallLog | None = None
    if task.atomic:
        tools, log = recording(tools)
    kernel = kernel if action_format == "code" else None
    if task.setup:
        _prepare(task, kernel, exec_timeout)
    budget = Budget(max_turns, max_solutions) if countdown else None
    fmt = get_format(action_format)
    agent = Agent(
        llm,
        kernel,
        tools=tools,
        action_format=Countdown(fmt, budget) if budget else fmt,
        max_turns=max_turns,
        exec_timeout=exec_timeout,
        require_solution=True,
    )
    started = time.perf_counter()
    message = f"{task.prompt}\n\n{budget.intro()}" if budget else task.prompt
    solutions, success = 0, False
    while True:
        agent.max_turns = max_turns - agent.trajectory.turns
        agent.run(message)
        traj = agent.trajectory  # the whole episode: its turns all count
        solutions += traj.status == "finished"
        success = judge(task, traj, log, tools, new_kernel or _default_kernel)
        retry = protocol == "feedback" and traj.status == "finished" and not task.atomic
        out_of_answers = max_solutions is not None and solutions >= max_solutions
        if success or not retry or out_of_answers or traj.turns >= max_turns:
            break
        message = FEEDBACK
        if budget:
            budget.used, budget.solutions = traj.turns, solutions
            message += "\n" + budget.line()
    usage = traj.usage
    return Outcome(
        success, traj.turns, usage.prompt_tokens, usage.completion_tokens,
        time.perf_counter() - started, traj.status, traj.answer, errors_recovered(traj), traj,
    )  # fmt: skip


def judge(
    task: Task,
    traj: Trajectory,
    log: CallLog | None,
    tools: Sequence[Tool] = (),
    new_kernel: Callable[[], AbstractContextManager[Kernel]] | None = None,
) -> bool:
    if task.expected_call is not None:
        return _judge_call(task, log)
    if traj.status != "finished" or traj.answer is None:
        return False
    if task.grade is not None:
        return task.grade(Submission(traj.answer, tools, new_kernel or _default_kernel))
    return matches(traj.answer, task.answer, task.check)


def errors_recovered(traj: Trajectory) -> int:
    """Failed actions (a malformed reply, code that raised, a timeout) that a later successful
    execution followed: the self-debugging the paper's data keeps."""
    failed = recovered = 0
    for step in traj.steps:
        obs = step.observation
        if step.format_error is not None or (obs is not None and not obs.ok):
            failed += 1
        elif obs is not None:
            recovered, failed = recovered + failed, 0
    return recovered


def _prepare(task: Task, kernel: Kernel | None, timeout: float) -> None:
    """Run the task's setup code (its data, imports) in the kernel before the model starts."""
    if kernel is None:
        raise KernelError(f"{task.id}: its setup needs a kernel (use the code format)")
    kernel.start()
    obs = kernel.execute(task.setup, timeout=timeout)
    if not obs.ok:
        detail = obs.error.value if obs.error else "; ".join(obs.notices)
        raise KernelError(f"{task.id}: the task's setup failed in the kernel: {detail}")


def _default_kernel() -> AbstractContextManager[Kernel]:
    from codeact.kernels import get_kernel

    kernel = get_kernel("sandbox", timeout=30)
    kernel.start()
    return kernel  # a Kernel is a context manager: leaving it shuts the kernel down


def _judge_call(task: Task, log: CallLog | None) -> bool:
    if log is None or not log.calls or task.expected_call is None:
        return False
    call, result = log.calls[0]
    if isinstance(result, Exception):
        return False
    return call_matches(call, task.expected_call, task.check) and _same_result(result, task)


def _same_result(result: Any, task: Task) -> bool:
    return matches(result, task.answer, task.check)
