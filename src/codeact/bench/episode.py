"""One benchmark episode: a task, a model and a format under an evaluation protocol.

Protocols:
- `pass@1`: one attempt, no feedback; the run ends at the first final answer.
- `feedback` (the paper's): a wrong final answer gets "Your answer is incorrect. Please try
  again." and the model continues, until it is right or the turn limit is reached.

Turns are LLM calls, counted over the whole episode (failures count every turn they used), as in
the paper. Atomic cases are judged on the FIRST tool call the model makes: its name and
normalized arguments against the expected call, and its executed result against the expected one
(codeact.bench.judges, where a task may plug in its own judge). Atomic cases get no feedback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from codeact.agent import Agent
from codeact.bench.judges import Evidence, judge_of
from codeact.bench.recording import recording
from codeact.bench.suite import HistoryItem, Task
from codeact.contracts import LLM, ActionFormat, Kernel, Tool
from codeact.types import Message, Observation, Trajectory

PROTOCOLS = ("pass@1", "feedback")
FEEDBACK = "Your answer is incorrect. Please try again."


@dataclass
class Episode:
    """What a per-episode LLM backend is given (contracts.py): the task, the format under test
    (the agent's own instance), the tools the agent was given, and the episode's seed."""

    task: Task
    format: ActionFormat
    tools: list[Tool]
    seed: int = 0


LLMFactory = Callable[[Episode], LLM]


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
    llm: LLM | LLMFactory,
    action_format: str | ActionFormat,
    kernel: Kernel | None,
    *,
    protocol: str = "feedback",
    max_turns: int = 10,
    exec_timeout: float = 30.0,
    seed: int = 0,
) -> Outcome:
    """Run one episode. `llm` is a model, or a factory that builds one for this episode."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; choose from {', '.join(PROTOCOLS)}")
    fmt = _format(action_format)
    tools, log = recording(task.tools(seed))
    model = llm if isinstance(llm, LLM) else llm(Episode(task, fmt, tools, seed))
    agent = Agent(
        model,
        kernel if fmt.runs_code else None,
        tools=tools,
        action_format=fmt,
        max_turns=max_turns,
        exec_timeout=exec_timeout,
        require_solution=True,
        system_prompt=_system_prompt(task, fmt, tools),
    )
    if task.history:
        agent.preload(render_history(task.history, fmt))
    judge = judge_of(task)
    started = time.perf_counter()
    message, success = task.prompt_for(fmt), False
    while True:
        agent.max_turns = max_turns - agent.trajectory.turns
        agent.run(message)
        traj = agent.trajectory  # the whole episode: its turns all count
        success = judge(Evidence(task, traj, list(log.calls), seed))
        retry = protocol == "feedback" and traj.status == "finished" and not task.atomic
        if success or not retry or traj.turns >= max_turns:
            break
        message = FEEDBACK
    usage = traj.usage
    return Outcome(
        success, traj.turns, usage.prompt_tokens, usage.completion_tokens,
        time.perf_counter() - started, traj.status, traj.answer, traj,
    )  # fmt: skip


def render_history(history: Sequence[HistoryItem], fmt: ActionFormat) -> list[Message]:
    """A dialogue history as the model under `fmt` sees it: an action is the assistant's turn as
    the format writes it, an observation the result that came back, a message itself."""
    messages = []
    for item in history:
        if isinstance(item, Message):
            messages.append(item)
        elif isinstance(item, Observation):
            messages.append(Message("user", fmt.render_observation(item)))
        else:
            messages.append(Message("assistant", fmt.render_action(item)))
    return messages


def _system_prompt(task: Task, fmt: ActionFormat, tools: list[Tool]) -> str | None:
    if task.system_prompt is None:
        return None
    return f"{task.system_prompt.rstrip()}\n\n{fmt.system_prompt(tools)}"


def _format(action_format: str | ActionFormat) -> ActionFormat:
    if isinstance(action_format, str):
        from codeact.actions import get_format

        return get_format(action_format)
    return action_format
