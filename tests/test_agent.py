"""The agent loop with a real kernel and the scripted LLM (the one sanctioned double)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from codeact import Agent, CodeAction, Finish, Message, Trajectory, tool
from codeact.errors import ConfigError
from codeact.kernels.jupyter import JupyterKernel
from codeact.llms.scripted import ScriptedLLM


def scripted(*replies: str) -> ScriptedLLM:
    return ScriptedLLM(list(replies))


def test_self_debugging_run_sees_the_traceback_and_fixes_it(kernel: JupyterKernel) -> None:
    llm = scripted(
        "I'll compute the mean.\n<execute>\nimport statistics\nprint(statistics.mean(data))\n</execute>",
        "`data` is not defined; define it first.\n<execute>\ndata = [3, 5, 10]\nprint(statistics.mean(data))\n</execute>",
        "The mean is 6. <solution>6</solution>",
    )
    agent = Agent(llm, kernel)
    traj = agent.run("Mean of 3, 5 and 10?")
    assert traj.status == "finished" and traj.answer == "6"
    assert traj.turns == 3
    first, second = traj.steps[0].observation, traj.steps[1].observation
    assert first is not None and first.error is not None and first.error.name == "NameError"
    assert second is not None and str(second) == "6"
    # the second LLM call saw the traceback of the first action
    seen = llm.calls[1][-1]
    assert seen.role == "user" and "NameError: name 'data' is not defined" in seen.content
    assert [m.role for m in agent.trajectory.messages] == ["system", "user"] + [
        "assistant",
        "user",
    ] * 2 + ["assistant"]


def test_state_is_kept_across_turns_and_follow_ups(kernel: JupyterKernel) -> None:
    llm = scripted(
        "<execute>\nimport json\nrows = [1, 2, 3]\nopen('rows.json', 'w').write(json.dumps(rows))\n</execute>",
        "Saved the rows. Anything else?",
        "<execute>\nrows.append(4)\nprint(len(rows), json.load(open('rows.json')))\n</execute>",
        "<solution>4</solution>",
    )
    agent = Agent(llm, kernel)
    first = agent.run("Make some rows and save them.")
    assert first.status == "replied" and first.answer == "Saved the rows. Anything else?"
    second = agent.run("Add a row and count them.")
    assert second.status == "finished" and second.answer == "4"
    assert str(second.steps[-2].observation) == "4 [1, 2, 3]"
    assert sum(m.role == "system" for m in agent.trajectory.messages) == 1
    assert any(m.content == "Add a row and count them." for m in agent.trajectory.messages)


def test_malformed_output_becomes_a_format_error_observation(kernel: JupyterKernel) -> None:
    llm = scripted(
        "", "<solution> </solution>", "<execute>print('ok')</execute>", "<solution>ok</solution>"
    )
    agent = Agent(llm, kernel)
    traj = agent.run("Print ok.")
    assert traj.status == "finished"
    assert traj.steps[0].format_error is not None and "empty" in traj.steps[0].format_error
    assert traj.steps[1].format_error is not None and "is empty" in traj.steps[1].format_error
    assert agent.trajectory.messages[3].content.startswith("Observation:\nYour reply was empty")


def test_max_turns_ends_the_run(kernel: JupyterKernel) -> None:
    llm = ScriptedLLM(lambda messages: "<execute>print('again')</execute>")
    traj = Agent(llm, kernel, max_turns=3).run("Loop forever.")
    assert traj.status == "max_turns" and traj.turns == 3 and traj.answer is None


def test_max_tokens_ends_the_run(kernel: JupyterKernel) -> None:
    llm = ScriptedLLM(lambda messages: "<execute>print('again')</execute>")
    traj = Agent(llm, kernel, max_tokens=1, max_turns=10).run("Loop.")
    assert traj.status == "max_tokens" and traj.turns == 1


def test_wall_time_ends_the_run(kernel: JupyterKernel) -> None:
    llm = ScriptedLLM(lambda messages: "<execute>import time; time.sleep(0.4)</execute>")
    traj = Agent(llm, kernel, max_seconds=1.0, max_turns=50).run("Sleep.")
    assert traj.status == "wall_time" and 2 <= traj.turns <= 4


def test_require_solution_nudges_instead_of_handing_back(kernel: JupyterKernel) -> None:
    llm = scripted("I think it is 4.", "<solution>4</solution>")
    agent = Agent(llm, kernel, require_solution=True)
    traj = agent.run("2+2?")
    assert traj.status == "finished" and traj.turns == 2
    assert "<solution>" in agent.trajectory.messages[3].content


def test_stop_sequence_cut_reply_is_stored_with_its_closing_tag(kernel: JupyterKernel) -> None:
    llm = scripted(
        "<execute>print(7)</execute>\nObservation: 7 (hallucinated)", "<solution>7</solution>"
    )
    agent = Agent(llm, kernel)
    agent.run("Print 7.")
    messages = agent.trajectory.messages
    assert messages[2].content == "<execute>print(7)</execute>"
    assert messages[3].content == "Observation:\n7"


def test_tools_are_offered_in_the_prompt_and_callable(kernel: JupyterKernel) -> None:
    @tool
    def exchange_rate(base: str, quote: str) -> float:
        """Exchange rate from base to quote currency."""
        return {"EURUSD": 1.1}[base + quote]

    llm = scripted(
        "<execute>print(round(100 * exchange_rate('EUR', 'USD'), 2))</execute>",
        "<execute>exchange_rate('EUR', 'XXX')</execute>",
        "<solution>110.0</solution>",
    )
    agent = Agent(llm, kernel, tools=[exchange_rate])
    traj = agent.run("100 EUR in USD?")
    assert (
        "def exchange_rate(base: str, quote: str) -> float:" in agent.trajectory.messages[0].content
    )
    assert str(traj.steps[0].observation) == "110.0"
    assert "ToolError: KeyError: 'EURXXX'" in str(traj.steps[1].observation)
    assert traj.answer == "110.0"


def test_interrupt_stops_running_code_and_the_run(kernel: JupyterKernel) -> None:
    llm = scripted("<execute>import time\nfor _ in range(100): time.sleep(0.1)</execute>", "unused")
    agent = Agent(llm, kernel, exec_timeout=30)
    timer = threading.Timer(1.0, agent.interrupt)
    timer.start()
    traj = agent.run("Sleep a long time.")
    timer.join()
    assert traj.status == "interrupted"
    obs = traj.steps[0].observation
    assert obs is not None and obs.error is not None and obs.error.name == "KeyboardInterrupt"
    assert obs.seconds < 10
    # the session is still usable
    agent.llm = scripted("<solution>back</solution>")
    assert agent.run("Still there?").answer == "back"


def test_trajectory_saves_what_the_llm_saw(kernel: JupyterKernel, tmp_path: Path) -> None:
    llm = scripted("<execute>print('hi')</execute>", "<solution>hi</solution>")
    agent = Agent(llm, kernel)
    agent.run("Say hi.")
    loaded = Trajectory.load(agent.trajectory.save(tmp_path / "run.json"))
    assert loaded.messages == llm.calls[-1] + [Message("assistant", "<solution>hi</solution>")]
    assert loaded.steps[0].completion.usage.total_tokens > 0
    assert loaded.steps[0].exec_seconds > 0
    assert loaded.meta["llm"] == "scripted" and loaded.meta["format"] == "code"


def test_on_step_sees_each_step(kernel: JupyterKernel) -> None:
    seen: list[int] = []
    llm = scripted("<execute>1</execute>", "<solution>1</solution>")
    Agent(llm, kernel, on_step=lambda step: seen.append(step.turn)).run("One.")
    assert seen == [1, 2]


def test_streamed_tokens_reach_the_callback(kernel: JupyterKernel) -> None:
    chunks: list[str] = []
    llm = scripted("<solution>streamed</solution>")
    Agent(llm, kernel, on_token=chunks.append).run("Stream.")
    assert "".join(chunks) == "<solution>streamed</solution>"


REPLIES = {
    "code": [
        "<execute>print(rate('EUR', 'XXX'))</execute>",
        "<execute>print(round(100 * rate('EUR', 'USD'), 2))</execute>",
        "<solution>110.0</solution>",
    ],
    "json": [
        '{"tool": "rate", "args": {"base": "EUR", "quote": "XXX"}}',
        '{"tool": "rate", "args": {"base": "EUR", "quote": "USD"}}',
        "<solution>110.0</solution>",
    ],
    "text": [
        "Action: rate, 'EUR', 'XXX' End Action",
        "Action: rate, 'EUR', 'USD' End Action",
        "<solution>110.0</solution>",
    ],
}


@pytest.mark.parametrize("fmt", sorted(REPLIES))
def test_every_format_recovers_from_a_tool_error(fmt: str, kernel: JupyterKernel) -> None:
    """The same tools, the same task, the same recovery, in each action format."""
    calls: list[tuple[str, str]] = []

    @tool
    def rate(base: str, quote: str) -> float:
        """Exchange rate from base to quote currency."""
        calls.append((base, quote))
        return {"EURUSD": 1.1}[base + quote]

    agent = Agent(ScriptedLLM(REPLIES[fmt]), kernel, tools=[rate], action_format=fmt)
    traj = agent.run("100 EUR in USD?")
    assert traj.status == "finished" and traj.answer == "110.0" and traj.turns == 3
    first = traj.steps[0].observation
    assert first is not None and "KeyError" in str(first) and "EURXXX" in str(first)
    assert calls == [("EUR", "XXX"), ("EUR", "USD")]  # the host-side tool served every format


# --- a run is a result of its own; the conversation stays on the agent ---------------------------


def test_each_run_returns_its_own_result(kernel: JupyterKernel) -> None:
    llm = scripted(
        "<execute>x = 6 * 7</execute>", "<solution>42</solution>", "<solution>43</solution>"
    )
    agent = Agent(llm, kernel)
    first = agent.run("Compute 6*7.")
    second = agent.run("And plus one?")
    assert (first.status, first.answer, first.turns) == ("finished", "42", 2)
    assert (second.status, second.answer, second.turns) == ("finished", "43", 1)
    assert (
        isinstance(first.steps[0].action, CodeAction) and first.steps[0].action.code == "x = 6 * 7"
    )
    assert isinstance(second.steps[0].action, Finish)
    assert agent.trajectory.turns == 3 and agent.trajectory.answer == "43"


def test_typed_actions_survive_save_and_load(kernel: JupyterKernel, tmp_path: Path) -> None:
    llm = scripted("<execute>print(1)</execute>", "<solution>1</solution>")
    agent = Agent(llm, kernel)
    agent.run("One.")
    loaded = Trajectory.load(agent.trajectory.save(tmp_path / "t.json"))
    assert [s.action for s in loaded.steps] == [CodeAction("print(1)"), Finish("1")]


def test_cell_output_reaches_on_output_as_it_is_produced(kernel: JupyterKernel) -> None:
    seen: list[tuple[float, str]] = []
    cell = "import time\nprint('a', flush=True)\ntime.sleep(1)\nprint('b')\n1/0"
    llm = scripted(f"<execute>{cell}</execute>", "<solution>ok</solution>")
    started = time.monotonic()
    Agent(llm, kernel, on_output=lambda t: seen.append((time.monotonic() - started, t))).run("x")
    text = "".join(t for _, t in seen)
    assert text.startswith("a\nb\n") and "ZeroDivisionError" in text  # tracebacks too
    first_b = next(at for at, t in seen if "b" in t)
    assert first_b - seen[0][0] > 0.8  # "a" came a second before "b"


def test_undo_and_reset(kernel: JupyterKernel) -> None:
    llm = scripted("<execute>y = 1</execute>", "<solution>a</solution>", "<solution>b</solution>")
    agent = Agent(llm, kernel)
    agent.run("first")
    agent.run("second")
    assert agent.undo() and [m.content for m in agent.trajectory.messages[1:]][-1] == (
        "<solution>a</solution>"
    )
    assert agent.trajectory.turns == 2
    agent.reset()
    assert agent.trajectory.messages == [] and not agent.undo()
    assert "NameError" in str(kernel.execute("y"))  # the kernel restarted


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_turns": 0}, "max_turns"),
        ({"exec_timeout": 0}, "timeout"),
        ({"max_tokens": 0}, "token"),
    ],
)
def test_limits_that_cannot_work_are_refused(options: dict[str, int], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Agent(scripted(), None, action_format="json", **options)  # type: ignore[arg-type]


def test_an_empty_task_is_refused(kernel: JupyterKernel) -> None:
    with pytest.raises(ConfigError, match="empty"):
        Agent(scripted(), kernel).run("   ")


def test_interrupt_stops_a_streaming_generation_at_once(kernel: JupyterKernel) -> None:
    llm = ScriptedLLM([" ".join(["word"] * 200)], delay=0.05)  # ten seconds of words
    chunks: list[str] = []
    agent = Agent(llm, kernel, on_token=chunks.append)
    threading.Timer(0.5, agent.interrupt).start()
    started = time.monotonic()
    result = agent.run("Talk.")
    assert result.status == "interrupted" and time.monotonic() - started < 2
    assert 0 < len(chunks) < 50
