import json

import pytest

from codeact.actions import get_format
from codeact.actions.code import CodeFormat
from codeact.actions.json_call import JSONFormat
from codeact.errors import FormatError
from codeact.tools import tool
from codeact.types import Finish, Observation, Reply, ToolCall

fmt = JSONFormat()
PARIS = ToolCall("lookup", {"city": "Paris"})
CALL = '{"tool": "lookup", "args": {"city": "Paris"}}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CALL, PARIS),
        (f"```json\n{CALL}\n```", PARIS),
        (f"```JSON  \n{CALL}\n```", PARIS),
        (f"```\n{CALL}\n```", PARIS),  # a plain fence is prose around a bare object
        (f"I'll look it up.\n{CALL}\nThen I'll summarise.", PARIS),
        (f"Let me check:\n```json\n{CALL}\n```\nwait for it", PARIS),
        (
            '{\n  "tool": "lookup",\n  "args": {"city": "Paris", "days": 2}\n}',
            ToolCall("lookup", {"city": "Paris", "days": 2}),
        ),
        ('{"tool": "now"}', ToolCall("now", {})),  # no "args": a tool without arguments
        (
            '{"tool": "f", "args": {"text": "a } { b", "n": null, "ok": true}}',
            ToolCall("f", {"text": "a } { b", "n": None, "ok": True}),
        ),
        (
            '{"tool": "f", "args": {"q": "say \\"}\\" twice"}}',
            ToolCall("f", {"q": 'say "}" twice'}),
        ),
        (f'{CALL} {{"tool": "other", "args": {{}}}}', PARIS),  # several calls: the first wins
        (f"```json\n{CALL}\n{CALL.replace('Paris', 'Rome')}\n```", PARIS),
        (f"<solution>7</solution> {CALL}", Finish("7")),
        (f"{CALL} <solution>7</solution>", PARIS),
        ('{"tool": "a", "args": [1]}\n' + CALL, PARIS),  # the first *valid* call wins
        ('Example data: {"city": "Rome"}. Now the call: ' + CALL, PARIS),
        ("The answer: <solution> 42 </solution>", Finish("42")),
        ("<solution>{'a': 1}</solution>", Finish("{'a': 1}")),  # JSON in a solution is the answer
        ("<solution>unclosed answer", Finish("unclosed answer")),
        ("Hello! How can I help?", Reply("Hello! How can I help?")),
        ("The set {1, 2} has two items.", Reply("The set {1, 2} has two items.")),
        ('{"tool": "f", "args": {"label": "<solution>"}}', ToolCall("f", {"label": "<solution>"})),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert fmt.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "reply was empty"),
        ("  \n", "reply was empty"),
        ("{'tool': 'lookup'}", "not valid JSON: Expecting property name enclosed in double quotes"),
        ('{"tool": "lookup", "args": {"city": "Paris"}', "not valid JSON: Expecting ',' delimiter"),
        ('{"tool": "f", "args": {"flag": True}}', "true, false and null in lower case"),
        ('{"name": "lookup", "arguments": {}}', 'no "tool" key \\(it has "name", "arguments"\\)'),
        ("```json\n{}\n```", 'no "tool" key \\(it has no keys\\)'),
        ('{"tool": 3}', '"tool" must be the name of a tool, as a string; you wrote "tool": 3'),
        ('{"tool": ""}', '"tool" must be the name of a tool'),
        ('{"tool": "f", "args": [1, 2]}', '"args" must be a JSON object .* you wrote an array'),
        ('{"tool": "f", "args": "x"}', "you wrote a string"),
        ('{"tool": "f", "arguments": {"a": 1}}', 'has the key "arguments", but a call has only'),
        ("```json\n\n```", "```json block is empty"),
        ("```json\n[1, 2]\n```", "must hold one JSON object"),
        ("<solution> </solution>", "solution></solution> is empty"),
        ("42</solution>", "no <solution> before it"),
        # a malformed call is skipped whole: the call nested in it must not run
        ('{"tool": "a", "args": {"x": {"tool": "inner", "args": {}}', "not valid JSON"),
    ],
)
def test_malformed_replies_raise_format_errors_for_the_model(text: str, hint: str) -> None:
    with pytest.raises(FormatError, match=hint):
        fmt.parse(text)


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        (f"Looking it up. {CALL} more words", f"Looking it up. {CALL}"),
        (f"{CALL}\n{CALL}", CALL),
        (f"```json\n{CALL}\n```\nafter", f"```json\n{CALL}\n```"),
        (f"```json\n{CALL}", f"```json\n{CALL}\n```"),  # an unclosed fence is closed
        (f"```json\n{CALL}\n{CALL}\n```", f"```json\n{CALL}\n```"),
        (f"<solution>5</solution> {CALL}", "<solution>5</solution>"),
        ("<solution>5", "<solution>5</solution>"),
        ("just words", "just words"),
        ('bad {"tool": 1} more', 'bad {"tool": 1} more'),  # kept whole beside its error
    ],
)
def test_clean_cuts_after_the_action_that_runs(text: str, cleaned: str) -> None:
    assert fmt.clean(text) == cleaned
    assert fmt.clean(cleaned) == cleaned


def test_stop_sequence_cuts_an_invented_observation() -> None:
    assert fmt.stop == ["Observation:"]
    assert fmt.parse(f"{CALL}\nObservation: 30 degrees\n<solution>30</solution>") == PARIS


@tool
def lookup(city: str, days: int = 3) -> dict[str, float]:
    """Weather forecast for a city."""
    return {}


@tool
def now() -> str:
    """The current time."""
    return ""


def test_system_prompt_lists_each_tools_json_schema() -> None:
    prompt = fmt.system_prompt([lookup, now])
    for t in (lookup, now):
        assert json.dumps(t.json_schema()) in prompt
    assert '"default": 3' in prompt and '"required": ["city"]' in prompt
    assert '{"tool": "TOOL_NAME"' in prompt and "<solution>" in prompt
    assert "JSON schema" not in fmt.system_prompt([])


def test_system_prompt_shares_the_code_formats_framing() -> None:
    """Only the action syntax may differ between formats, or the comparison is not fair."""
    code, ours = CodeFormat().system_prompt([lookup]), fmt.system_prompt([lookup])
    shared = [line for line in code.splitlines() if line.startswith(("Each of", "2. "))]
    assert len(shared) == 2
    assert all(line in ours.splitlines() for line in shared)
    assert 'The next message, starting with "Observation:", shows' in ours


@pytest.mark.parametrize("obs", [Observation(output="{'a': 1}"), "{'a': 1}"])
def test_render_observation(obs: Observation | str) -> None:
    assert fmt.render_observation(obs) == "Observation:\n{'a': 1}"


def test_registered_as_json() -> None:
    assert isinstance(get_format("json"), JSONFormat)


def test_json_nested_past_the_parsers_depth_is_a_format_error() -> None:
    nested = '{"tool": "x", "args": {"a": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    with pytest.raises(FormatError, match="nested too deeply"):
        fmt.parse(nested)
