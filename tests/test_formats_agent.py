"""The JSON and text baselines in the agent loop: a real kernel, the scripted LLM, host-side tools."""

from __future__ import annotations

import pytest

from codeact import Agent, ToolCall, tool
from codeact.kernels.jupyter import JupyterKernel
from codeact.llms.scripted import ScriptedLLM


@tool
def divide(a: float, b: float) -> float:
    """Divide a by b."""
    return a / b


@tool
def greet(name: str) -> str:
    """Say hello to someone."""
    return f"hello {name}"


# The same calls written in each format.
REPLIES = {
    "json": {
        "divide": 'I will divide.\n{"tool": "divide", "args": {"a": 7, "b": 2}}',
        "greet": '```json\n{"tool": "greet", "args": {"name": "Ann"}}\n```',
        "by_zero": '{"tool": "divide", "args": {"a": 1, "b": 0}}',
        "missing_arg": '{"tool": "divide", "args": {"a": 1}}',
        "malformed": "{'tool': 'divide', 'args': {'a': 7, 'b': 2}}",
    },
    "text": {
        "divide": "I will divide.\nAction: divide, 7, 2 End Action",
        "greet": "Action: greet, Ann End Action",
        "by_zero": "Action: divide, 1, 0 End Action",
        "missing_arg": "Action: divide, 1 End Action",
        "malformed": "Action: divide(7, 2) End Action",
    },
}
FORMATS = sorted(REPLIES)


def run(kernel: JupyterKernel, fmt: str, *replies: str) -> tuple[ScriptedLLM, Agent]:
    llm = ScriptedLLM([REPLIES[fmt].get(r, r) for r in replies])
    agent = Agent(llm, kernel, tools=[divide, greet], action_format=fmt)
    agent.run("Divide 7 by 2, then greet Ann.")
    return llm, agent


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_call_runs_the_tool_and_its_result_is_the_next_observation(
    kernel: JupyterKernel, fmt: str
) -> None:
    llm, agent = run(kernel, fmt, "divide", "greet", "<solution>3.5</solution>")
    traj = agent.trajectory
    assert traj.status == "finished" and traj.answer == "3.5" and traj.turns == 3
    assert traj.meta["format"] == fmt
    assert "Divide a by b." in traj.messages[0].content
    first, second = traj.steps[0].observation, traj.steps[1].observation
    assert first is not None and first.ok and first.output == "3.5"
    assert second is not None and second.output == "hello Ann"  # as print() shows it to code
    assert llm.calls[1][-1].content == "Observation:\n3.5"
    assert traj.steps[0].action == ToolCall("divide", {"a": 7, "b": 2})


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_tool_that_raises_is_an_error_observation_and_the_run_goes_on(
    kernel: JupyterKernel, fmt: str
) -> None:
    llm, agent = run(kernel, fmt, "by_zero", "divide", "<solution>3.5</solution>")
    traj = agent.trajectory
    assert traj.status == "finished" and traj.turns == 3
    obs = traj.steps[0].observation
    assert obs is not None and obs.error is not None
    # the arguments were validated as the annotations say (b: float), so the tool saw 0.0
    assert (obs.error.name, obs.error.value) == ("ZeroDivisionError", "float division by zero")
    assert llm.calls[1][-1].content == "Observation:\nZeroDivisionError: float division by zero"
    assert traj.steps[1].observation is not None and traj.steps[1].observation.output == "3.5"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_missing_argument_is_answered_with_the_signature(kernel: JupyterKernel, fmt: str) -> None:
    llm, agent = run(kernel, fmt, "missing_arg", "<solution>?</solution>")
    obs = agent.trajectory.steps[0].observation
    assert obs is not None and obs.error is not None and obs.error.name == "TypeError"
    assert llm.calls[1][-1].content == (
        "Observation:\nTypeError: missing a required argument: 'b'. "
        "The signature is divide(a: float, b: float) -> float."
    )


def test_an_unknown_tool_or_argument_names_what_exists(kernel: JupyterKernel) -> None:
    _, agent = run(
        kernel,
        "json",
        '{"tool": "multiply", "args": {"a": 2}}',
        '{"tool": "divide", "args": {"a": 1, "b": 2, "c": 3}}',
        "<solution>?</solution>",
    )
    unknown, extra = (s.observation for s in agent.trajectory.steps[:2])
    assert unknown is not None and unknown.error is not None and unknown.error.name == "NameError"
    assert str(unknown) == "NameError: unknown tool 'multiply'. Available tools: divide, greet."
    assert extra is not None and extra.error is not None
    assert "unexpected keyword argument 'c'" in str(extra)
    assert "divide(a: float, b: float) -> float" in str(extra)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_malformed_call_is_a_format_error_observation(kernel: JupyterKernel, fmt: str) -> None:
    llm, agent = run(kernel, fmt, "malformed", "divide", "<solution>3.5</solution>")
    traj = agent.trajectory
    assert traj.status == "finished" and traj.answer == "3.5"
    error = traj.steps[0].format_error
    assert error is not None and traj.steps[0].observation is None
    assert llm.calls[1][-1].content == f"Observation:\n{error}"
    assert traj.steps[1].observation is not None and traj.steps[1].observation.output == "3.5"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_history_keeps_the_call_alone(kernel: JupyterKernel, fmt: str) -> None:
    """What the model writes after its call (an invented result) is cut by the stop sequence."""
    invented = "\nObservation: 99\n<solution>99</solution>"
    _, agent = run(kernel, fmt, REPLIES[fmt]["by_zero"] + invented, "<solution>no</solution>")
    traj = agent.trajectory
    assert traj.messages[2].content == REPLIES[fmt]["by_zero"]
    assert traj.status == "finished" and traj.answer == "no" and traj.turns == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_plain_reply_hands_the_turn_back(kernel: JupyterKernel, fmt: str) -> None:
    _, agent = run(kernel, fmt, "Which numbers should I divide?")
    assert agent.trajectory.status == "replied"
    assert agent.trajectory.answer == "Which numbers should I divide?"
