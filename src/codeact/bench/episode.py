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
normalized arguments against the expected call, and its executed result against the expected one
(codeact.bench.judges, where a task may plug in its own judge). Atomic cases get no feedback.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from codeact.actions import get_format
from codeact.actions.tools import answer_messages
from codeact.agent import Agent
from codeact.bench.countdown import Budget, Countdown
from codeact.bench.judges import Evidence, KernelFactory, fresh_kernel, judge_of
from codeact.bench.recording import recording
from codeact.bench.suite import HistoryItem, Task, render_reply
from codeact.contracts import LLM, ActionFormat, Kernel, Tool
from codeact.errors import KernelError
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
    errors_recovered: int
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
    max_solutions: int | None = None,
    countdown: bool = False,
    new_kernel: KernelFactory = fresh_kernel,
    extra_tools: Sequence[Tool] = (),
) -> Outcome:
    """Run one episode. `llm` is a model, or a factory that builds one for this episode;
    `new_kernel` gives the judge a fresh kernel for checks that run code; `extra_tools` (an MCP
    server's, say) are offered besides the task's own."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; choose from {', '.join(PROTOCOLS)}")
    fmt = _format(action_format)
    kernel = kernel if fmt.runs_code else None
    if task.setup:
        _prepare(task, kernel, exec_timeout)
    task_tools = task.tools(seed)
    tools, log = recording([*task_tools, *extra_tools])
    budget = Budget(max_turns, max_solutions) if countdown else None
    played = Countdown(fmt, budget) if budget else fmt  # the agent's own format instance
    model = llm if isinstance(llm, LLM) else llm(Episode(task, played, tools, seed))
    agent = Agent(
        model,
        kernel,
        tools=tools,
        action_format=played,
        max_turns=max_turns,
        exec_timeout=exec_timeout,
        require_solution=True,
        system_prompt=_system_prompt(task, fmt, tools),
    )
    if task.history:
        agent.preload(render_history(task.history, fmt))
    judge = judge_of(task)
    started = time.perf_counter()
    message = task.prompt_for(fmt)
    message = f"{message}\n\n{budget.intro()}" if budget else message
    solutions, success = 0, False
    while True:
        agent.max_turns = max_turns - agent.trajectory.turns
        agent.run(message)
        traj = agent.trajectory  # the whole episode: its turns all count
        solutions += traj.status == "finished"
        success = judge(Evidence(task, traj, list(log.calls), seed, task_tools, new_kernel))
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


def render_history(history: Sequence[HistoryItem], fmt: ActionFormat) -> list[Message]:
    """A dialogue history as the model under `fmt` sees it: an action is the assistant's turn as
    the format writes it, an observation the result that came back, a message itself."""
    messages: list[Message] = []
    for item in history:
        if isinstance(item, Message):
            messages.append(item)
        elif isinstance(item, Observation):
            previous = messages[-1] if messages else Message("user", "")
            messages.extend(answer_messages(previous, fmt.render_observation(item)))
        else:
            reply = render_reply(fmt, item)
            messages.append(reply if isinstance(reply, Message) else Message("assistant", reply))
    return messages


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
        raise KernelError(f"{task.id}: its setup needs a kernel (use a format that runs code)")
    kernel.start()
    obs = kernel.execute(task.setup, timeout=timeout)
    if not obs.ok:
        detail = obs.error.value if obs.error else "; ".join(obs.notices)
        raise KernelError(f"{task.id}: the task's setup failed in the kernel: {detail}")


def _system_prompt(task: Task, fmt: ActionFormat, tools: list[Tool]) -> str | None:
    if task.system_prompt is None:
        return None
    return f"{task.system_prompt.rstrip()}\n\n{fmt.system_prompt(tools)}"


def _format(action_format: str | ActionFormat) -> ActionFormat:
    return get_format(action_format) if isinstance(action_format, str) else action_format
