import pytest

from codeact.actions.code import CodeFormat
from codeact.errors import FormatError
from codeact.tools import tool
from codeact.types import CodeAction, Finish, Reply

fmt = CodeFormat()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Let me run it.\n<execute>\nprint(1)\n</execute>", CodeAction("print(1)")),
        ("<execute>print(2)", CodeAction("print(2)")),  # closing tag eaten by the stop sequence
        ("```python\nprint(3)\n```\nmore words", CodeAction("print(3)")),
        ("```\nprint(4)\n```", CodeAction("print(4)")),
        ("The answer: <solution> 42 </solution>", Finish("42")),
        ("Hello! How can I help?", Reply("Hello! How can I help?")),
        ("<execute>a=1</execute><execute>b=2</execute>", CodeAction("a=1")),
        ("<solution>7</solution> <execute>x</execute>", Finish("7")),
        ("<EXECUTE>print(5)</execute>", CodeAction("print(5)")),
    ],
)
def test_parse(text: str, expected: object) -> None:
    assert fmt.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("<execute>\n\n</execute>", "code block is empty"),
        ("<solution></solution>", "solution></solution> is empty"),
        ("print(1)</execute>", "no <execute> before it"),
    ],
)
def test_malformed_replies_raise_format_errors_for_the_model(text: str, hint: str) -> None:
    with pytest.raises(FormatError, match=hint):
        fmt.parse(text)


def test_clean_cuts_after_first_action_and_restores_closing_tag() -> None:
    assert fmt.clean("a <execute>x=1") == "a <execute>x=1</execute>"
    assert fmt.clean("<execute>x</execute> b <execute>y</execute>") == "<execute>x</execute>"
    assert fmt.clean("just words") == "just words"


def test_system_prompt_shows_tools_as_python_signatures() -> None:
    @tool
    def lookup(city: str, days: int = 3) -> dict[str, float]:
        """Weather forecast for a city."""
        return {}

    prompt = fmt.system_prompt([lookup])
    assert "def lookup(city: str, days: int = 3) -> dict[str, float]:" in prompt
    assert "Weather forecast for a city." in prompt
    assert "<execute>" in prompt and "<solution>" in prompt
    assert "already defined" not in fmt.system_prompt([])
