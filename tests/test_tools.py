import pytest

from codeact.errors import ConfigError
from codeact.tools import tool
from codeact.tools.function import FunctionTool


@tool
def flights(
    origin: str, dest: str, max_stops: int = 1, airlines: list[str] | None = None
) -> list[dict]:
    """Find flights from origin to dest."""
    return [{"from": origin, "to": dest}]


def test_tool_renders_python_signature_and_doc() -> None:
    assert flights.signature == (
        "flights(origin: str, dest: str, max_stops: int = 1, "
        "airlines: list[str] | None = None) -> list[dict]"
    )
    assert flights.doc == "Find flights from origin to dest."
    assert flights("A", "B") == [{"from": "A", "to": "B"}]


def test_tool_json_schema() -> None:
    schema = flights.json_schema()
    params = schema["parameters"]
    assert params["required"] == ["origin", "dest"]
    assert params["properties"]["max_stops"] == {"type": "integer", "default": 1}
    assert params["properties"]["airlines"]["anyOf"][0] == {
        "type": "array",
        "items": {"type": "string"},
    }


def test_tool_needs_a_docstring() -> None:
    def nodoc(x: int) -> int:
        return x

    with pytest.raises(ConfigError, match="docstring"):
        tool(nodoc)


def test_tool_with_custom_name() -> None:
    def weather(city: str) -> str:
        """Weather in a city."""
        return city

    named = tool(name="get_weather")(weather)
    assert isinstance(named, FunctionTool) and named.name == "get_weather"
    assert named.signature == "get_weather(city: str) -> str"
