"""One benchmark episode: a task, a model and a format under an evaluation protocol.

Protocols:
- `pass@1`: one attempt, no feedback; the run ends at the first final answer.
- `feedback` (the paper's): a wrong final answer gets "Your answer is incorrect. Please try
  again." and the model continues, until it is right or the turn limit is reached.

Turns are LLM calls, counted over the whole episode (failures count every turn they used), as in
the paper. Atomic cases are judged on the FIRST tool call the model makes: its name and
normalized arguments against the expected call, and its executed result against the expected one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from codeact.agent import Agent
from codeact.bench.recording import CallLog, recording
from codeact.bench.scoring import call_matches, matches
from codeact.bench.suite import Task
from codeact.contracts import LLM, Kernel
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
) -> Outcome:
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; choose from {', '.join(PROTOCOLS)}")
    tools = task.make_tools()
    log: CallLog | None = None
    if task.atomic:
        tools, log = recording(tools)
    agent = Agent(
        llm,
        kernel if action_format == "code" else None,
        tools=tools,
        action_format=action_format,
        max_turns=max_turns,
        exec_timeout=exec_timeout,
        require_solution=True,
    )
    started = time.perf_counter()
    message, success = task.prompt, False
    while True:
        agent.max_turns = max_turns - agent.trajectory.turns
        agent.run(message)
        traj = agent.trajectory  # the whole episode: its turns all count
        success = judge(task, traj, log)
        retry = protocol == "feedback" and traj.status == "finished" and not task.atomic
        if success or not retry or traj.turns >= max_turns:
            break
        message = FEEDBACK
    usage = traj.usage
    return Outcome(
        success, traj.turns, usage.prompt_tokens, usage.completion_tokens,
        time.perf_counter() - started, traj.status, traj.answer, traj,
    )  # fmt: skip


def judge(task: Task, traj: Trajectory, log: CallLog | None) -> bool:
    if task.expected_call is not None:
        return _judge_call(task, log)
    return traj.status == "finished" and matches(traj.answer, task.answer, task.check)


def _judge_call(task: Task, log: CallLog | None) -> bool:
    if log is None or not log.calls or task.expected_call is None:
        return False
    call, result = log.calls[0]
    if isinstance(result, Exception):
        return False
    return call_matches(call, task.expected_call, task.check) and _same_result(result, task)


def _same_result(result: Any, task: Task) -> bool:
    return matches(result, task.answer, task.check)
