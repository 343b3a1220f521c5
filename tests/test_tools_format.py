"""The `tools` format: the model server's native function calling. Tool schemas go in the
request, the server's tool calls run on the host, each answered by a "tool" message; against the
scripted LLM (which can reply with native calls) and against a real OpenAI-compatible server on
127.0.0.1 (llama-cpp-python's, chatml-function-calling, the bundled model)."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from codeact import Agent, tool
from codeact.actions import get_format
from codeact.errors import ConfigError
from codeact.llms import get_llm
from codeact.llms.scripted import ScriptedLLM
from codeact.types import (
    Completion,
    Finish,
    Message,
    ToolCall,
    ToolCalls,
    ToolRequest,
    Trajectory,
)


@tool
def add(a: int, b: int = 1) -> int:
    """Add two integers."""
    return a + b


@tool
def shout(text: str) -> str:
    """The text in capitals."""
    return text.upper()


def _calls(*calls: tuple[str, str]) -> Message:
    requests = [ToolRequest(f"call_{i}", name, args) for i, (name, args) in enumerate(calls)]
    return Message("assistant", "", requests)


def test_several_calls_in_one_turn_each_answered_by_its_own_message() -> None:
    llm = ScriptedLLM(
        [
            _calls(
                ("add", '{"a": 40, "b": 2}'), ("shout", '{"text": "ok"}'), ("add", '{"a": "x"}')
            ),
            "<solution>42</solution>",
        ]
    )
    agent = Agent(llm, None, tools=[add, shout], action_format="tools")
    result = agent.run("Add 40 and 2.")
    assert (result.status, result.answer) == ("finished", "42")
    tools_sent = llm.tools_seen[0]
    assert tools_sent is not None and [t["function"]["name"] for t in tools_sent] == [
        "add",
        "shout",
    ]
    assert tools_sent[0]["function"]["parameters"]["required"] == ["a"]
    answers = agent.trajectory.messages[3:6]
    assert [(m.role, m.tool_call_id) for m in answers] == [
        ("tool", "call_0"), ("tool", "call_1"), ("tool", "call_2"),
    ]  # fmt: skip
    assert answers[0].content == "42" and answers[1].content == "OK"
    assert answers[2].content.startswith("TypeError: invalid arguments for add: a: Input should")
    step = agent.trajectory.steps[0]
    assert step.action == ToolCalls([ToolCall("add", {"a": 40, "b": 2}), ToolCall("shout", {"text": "ok"}), ToolCall("add", {"a": "x"})])  # fmt: skip
    assert step.observation is not None and step.observation.error is not None
    assert "[shout] OK" in step.observation.output
    # the trajectory keeps the calls and their answers, and loads back
    again = Trajectory.from_dict(json.loads(json.dumps(agent.trajectory.to_dict())))
    assert again.messages == agent.trajectory.messages and again.steps[0].action == step.action


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ('{"a": ', "are not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ("[" * 100_000, "nest too deeply"),
        ("1" * 300_000, "the limit is 262144"),
    ],
)
def test_malformed_arguments_answer_every_call_and_the_run_goes_on(
    arguments: str, error: str
) -> None:
    llm = ScriptedLLM([_calls(("add", '{"a": 1}'), ("add", arguments)), "<solution>2</solution>"])
    agent = Agent(llm, None, tools=[add], action_format="tools")
    assert agent.run("Add.").answer == "2"
    step = agent.trajectory.steps[0]
    assert step.format_error is not None and error in step.format_error
    answers = agent.trajectory.messages[3:5]
    assert [m.tool_call_id for m in answers] == ["call_0", "call_1"]
    assert all(error in m.content for m in answers)


def test_a_plain_reply_is_nudged_and_an_unknown_function_is_told() -> None:
    llm = ScriptedLLM(["Let me think.", _calls(("mul", "{}")), "<solution>3</solution>"])
    agent = Agent(llm, None, tools=[add], action_format="tools", require_solution=True)
    assert agent.run("Add.").answer == "3"
    messages = agent.trajectory.messages
    assert messages[3] == Message("user", get_format("tools").nudge)
    assert messages[5].role == "tool" and "unknown tool 'mul'" in messages[5].content


def test_the_format_writes_what_it_parses() -> None:
    fmt = get_format("tools")
    reply = fmt.render_reply(ToolCall("add", {"a": 1}))  # type: ignore[attr-defined]
    assert reply.tool_calls[0].name == "add" and json.loads(reply.tool_calls[0].arguments) == {
        "a": 1
    }
    assert fmt.parse_message(reply) == ToolCalls([ToolCall("add", {"a": 1})])  # type: ignore[attr-defined]
    assert fmt.parse(fmt.render_action(Finish("7"))) == Finish("7")
    with pytest.raises(ValueError, match="use render_reply"):
        fmt.render_action(ToolCall("add", {"a": 1}))
    assert fmt.describe(ToolCalls([ToolCall("add"), ToolCall("shout")])) == "calling add, shout"
    assert not fmt.runs_code and fmt.stop == []


class _TextOnly:
    """An LLM of another author's, without native function calling."""

    name = "text-only"

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: object = None,
    ) -> Completion:
        return Completion("<solution>1</solution>")


def test_an_llm_without_native_calls_is_refused_in_one_line() -> None:
    with pytest.raises(ConfigError, match="native function calling, which text-only does not"):
        Agent(_TextOnly(), None, tools=[add], action_format="tools")
    Agent(_TextOnly(), None, tools=[add], action_format="json")  # the other formats are unchanged


def test_codeact_run_with_native_calls_of_an_mcp_servers_tools(tmp_path: Path) -> None:
    pytest.importorskip("mcp", reason="needs the mcp extra")
    server = shlex.join([sys.executable, str(Path(__file__).with_name("mcp_demo_server.py"))])
    replies = tmp_path / "replies.json"
    call = {"tool_calls": [{"name": "add", "arguments": {"a": 1, "b": 2}}]}
    replies.write_text(json.dumps([call, "<solution>3</solution>"]))
    done = subprocess.run(
        [sys.executable, "-m", "codeact", "run", "Add.", "--format", "tools", "--llm",
         f"scripted:{replies}", "--mcp", server, "--ephemeral", "-o", str(tmp_path / "t.json")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    traj = Trajectory.load(tmp_path / "t.json")
    assert traj.answer == "3" and traj.messages[3] == Message("tool", "3", tool_call_id="call_1")


# --- a real OpenAI-compatible server with native tool calls ------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("stream", [False, True])
def test_end_to_end_against_a_real_server(model_server: str, stream: bool) -> None:
    # the tiny model is forced to call `add` (the plumbing is under test, not the model): its
    # calls must come back, run on the host, and their answers be accepted by the server
    forced = {"type": "function", "function": {"name": "add"}}
    llm = get_llm("openai:smollm2", base_url=model_server, max_tokens=48, tool_choice=forced)
    chunks: list[str] = []
    agent = Agent(
        llm, None, tools=[add, shout], action_format="tools", max_turns=2,
        on_token=chunks.append if stream else None,
    )  # fmt: skip
    result = agent.run("What is 2 + 3? Use the add function.")
    assert result.status == "max_turns" and len(result.steps) == 2
    for step in result.steps:  # the second request carried the first call's answer
        assert step.completion.tool_calls and step.completion.tool_calls[0].name == "add"
        assert isinstance(step.action, ToolCalls) and step.action.calls[0].name == "add"
    first = agent.trajectory.messages[2]
    answer = agent.trajectory.messages[3]
    assert answer.role == "tool" and answer.tool_call_id == first.tool_calls[0].id
    observation = result.steps[0].observation
    assert observation is not None  # a result or an argument error, both from the host
    assert observation.error is None or "invalid arguments for add" in observation.error.value


@pytest.mark.slow
def test_a_real_server_may_answer_in_text(model_server: str) -> None:
    # tool_choice "auto": the server's grammar lets the model call or write; either is handled
    llm = get_llm("openai:smollm2", base_url=model_server, max_tokens=48)
    agent = Agent(llm, None, tools=[add], action_format="tools", max_turns=2)
    result = agent.run("What is 2 + 3? Use the add function.")
    assert result.status in ("finished", "replied", "max_turns") and result.steps
