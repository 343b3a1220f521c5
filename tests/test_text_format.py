from typing import Any

import pytest

from codeact.actions import get_format
from codeact.actions.code import CodeFormat
from codeact.actions.text import TextFormat
from codeact.errors import FormatError
from codeact.tools import tool
from codeact.types import Finish, Observation, Reply, ToolCall


@tool
def lookup(city: Any, days: Any = 3) -> dict[str, float]:
    """Weather forecast for a city.

    Gives the mean temperature of each day."""
    return {}


@tool
def now() -> str:
    """The current time."""
    return ""


fmt = TextFormat([lookup, now])


def call(*args: object) -> ToolCall:
    return ToolCall("lookup", dict(zip(["city", "days"], args, strict=False)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Action: lookup, Paris, 5 End Action", call("Paris", 5)),
        ("Action: lookup, Paris End Action", call("Paris")),  # a default may be left out
        ("Action: lookup, Paris, 5 ", call("Paris", 5)),  # the stop sequence ate End Action
        ("I'll check.\nAction: lookup, Paris, 5 End Action\nThen I'll answer.", call("Paris", 5)),
        ("Action:lookup,Paris,5End Action", call("Paris", 5)),
        ("Action: now End Action", ToolCall("now", {})),
        # values: Python or JSON literals when they parse, else stripped text
        ("Action: lookup,   New York  , 2.5 End Action", call("New York", 2.5)),
        (
            "Action: lookup, 'Paris, France', \"Rome, Italy\" End Action",
            call("Paris, France", "Rome, Italy"),
        ),
        ("Action: lookup, [1, 2], {'a': (3, 4)} End Action", call([1, 2], {"a": (3, 4)})),
        ('Action: lookup, ["x, y", "z"], {"k": null} End Action', call(["x, y", "z"], {"k": None})),
        ("Action: lookup, True, None End Action", call(True, None)),
        ("Action: lookup, true, null End Action", call(True, None)),
        ("Action: lookup, -3, 1e3 End Action", call(-3, 1000.0)),
        ("Action: lookup, Paris's weather End Action", call("Paris's weather")),
        ("Action: lookup, 2024-01-05 End Action", call("2024-01-05")),
        ("Action: lookup, a (b, c) End Action", call("a (b, c)")),
        ('Action: lookup, "it\'s" End Action', call("it's")),
        # several actions: the first valid one wins
        ("Action: lookup, A End Action Action: lookup, B End Action", call("A")),
        ("Action: nope End Action\nAction: lookup, B End Action", call("B")),
        ("<solution>7</solution> Action: lookup, A End Action", Finish("7")),
        ("Action: lookup, A End Action <solution>7</solution>", call("A")),
        ("The answer: <solution> 42 </solution>", Finish("42")),
        ("Hello! How can I help?", Reply("Hello! How can I help?")),
        (
            "My next action: ask you.",
            Reply("My next action: ask you."),
        ),  # "Action:" is case-sensitive
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert fmt.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "reply was empty. Call a tool with Action: TOOL_NAME"),
        ("  \n", "reply was empty"),
        ("Action:  End Action", "no tool name. Write Action: TOOL_NAME"),
        (
            "Action: lookup(Paris) End Action",
            "'lookup\\(Paris\\)' is not a tool name.*without parentheses",
        ),
        (
            "Action: weather, Paris End Action",
            "no tool named 'weather'. The tools are: lookup, now",
        ),
        (
            "Action: lookup, Paris, France, 3 End Action",
            "takes 2 argument\\(s\\) \\(city, days\\), but you gave 3.*in quotes",
        ),
        ("Action: now, 1 End Action", "now takes 0 argument"),
        ("Action: lookup, , 3 End Action", "Argument 1 of lookup is empty"),
        ("Action: lookup, Paris, End Action", "Argument 2 of lookup is empty"),
        ('Action: lookup, "Paris End Action', 'unclosed ". Close the quoted text with "'),
        ("Action: lookup, [1, 2 End Action", "unclosed bracket. Close it with ]"),
        ("Action: lookup, [1, 2) End Action", "unclosed bracket. Close it with ]"),
        ("lookup, Paris End Action", "End Action but no Action: before it"),
        ("<solution></solution>", "solution></solution> is empty"),
        ("7</solution>", "no <solution> before it"),
    ],
)
def test_malformed_replies_raise_format_errors_for_the_model(text: str, hint: str) -> None:
    with pytest.raises(FormatError, match=hint):
        fmt.parse(text)


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Checking. Action: lookup, Paris ", "Checking. Action: lookup, Paris End Action"),
        ("Action: lookup, Paris", "Action: lookup, Paris End Action"),
        ("Action: lookup, A End Action then Action: lookup, B", "Action: lookup, A End Action"),
        ("<solution>5</solution> Action: lookup, A", "<solution>5</solution>"),
        ("<solution>5", "<solution>5</solution>"),
        ("just words", "just words"),
        (
            "Action: nope, 1 End Action more",
            "Action: nope, 1 End Action more",
        ),  # kept beside its error
    ],
)
def test_clean_cuts_after_the_action_and_restores_end_action(text: str, cleaned: str) -> None:
    assert fmt.clean(text) == cleaned
    assert fmt.clean(cleaned) == cleaned


def test_system_prompt_lists_each_tool_on_one_line_and_teaches_the_tools_to_parse() -> None:
    fresh = TextFormat()
    with pytest.raises(FormatError, match=r"no tool named 'lookup'\. The tools are: none"):
        fresh.parse("Action: lookup, Paris End Action")
    prompt = fresh.system_prompt([lookup, now])
    lines = prompt.splitlines()
    assert (
        "lookup(city, days=3): Weather forecast for a city. Gives the mean temperature of each day."
        in lines
    )
    assert "now(): The current time." in lines
    assert "Action: TOOL_NAME, ARGUMENT1, ARGUMENT2 End Action" in prompt and "<solution>" in prompt
    assert fresh.parse("Action: lookup, Paris End Action") == call("Paris")
    assert "lookup(" not in TextFormat().system_prompt([])


def test_system_prompt_shares_the_code_formats_framing() -> None:
    """Only the action syntax may differ between formats, or the comparison is not fair."""
    code, ours = CodeFormat().system_prompt([lookup]), fmt.system_prompt([lookup])
    shared = [line for line in code.splitlines() if line.startswith(("Each of", "2. "))]
    assert len(shared) == 2
    assert all(line in ours.splitlines() for line in shared)
    assert 'The next message, starting with "Observation:", shows' in ours


def test_stop_sequence_is_end_action() -> None:
    assert fmt.stop == ["End Action"]


@pytest.mark.parametrize("obs", [Observation(output="'sunny'"), "'sunny'"])
def test_render_observation(obs: Observation | str) -> None:
    assert fmt.render_observation(obs) == "Observation:\n'sunny'"


def test_registered_as_text() -> None:
    assert isinstance(get_format("text"), TextFormat)
