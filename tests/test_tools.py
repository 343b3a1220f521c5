import functools

import pytest

from codeact.errors import ConfigError
from codeact.tools import tool
from codeact.tools.calling import call_tool
from codeact.tools.function import FunctionTool
from codeact.types import ToolCall


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


# --- signatures of every kind of callable: a working tool or a ConfigError at registration ----


def test_variadic_tools_get_working_signatures_in_every_format() -> None:
    def total(*values: float) -> float:
        """Sum some numbers."""
        return sum(values)

    def tag(name: str, *, strict: bool = False, **attrs: str) -> str:
        """An HTML tag."""
        return f"<{name} {attrs} {strict}>"

    t_total, t_tag = tool(total), tool(tag)
    assert t_total.signature == "total(*values: float) -> float"
    assert t_tag.signature == "tag(name: str, *, strict: bool = False, **attrs: str) -> str"
    assert t_total(1, "2.5") == 3.5  # as code calls it, validated
    assert str(call_tool([t_total], ToolCall("total", {"values": [1, 2]}))) == "3.0"
    assert t_total.json_schema()["parameters"]["properties"]["values"]["type"] == "array"
    shown = call_tool([t_tag], ToolCall("tag", {"name": "a", "href": "x", "strict": True}))
    assert str(shown) == "<a {'href': 'x'} True>"
    bad = call_tool([t_tag], ToolCall("tag", {"name": "a", "href": 3}))
    assert bad.error is not None and "href: Input should be a valid string" in bad.error.value
    assert "additionalProperties" not in t_tag.json_schema()["parameters"]  # **attrs: any name


def test_builtins_need_a_name_of_their_own_and_a_readable_signature() -> None:
    with pytest.raises(ConfigError, match=r"would replace Python's built-in len\(\)"):
        tool(len)
    length = tool(len, name="length")
    assert length.signature == "length(obj, /)"
    assert length.doc.startswith("Return the number of items")
    assert length("abc") == 3
    assert str(call_tool([length], ToolCall("length", {"obj": [1, 2]}))) == "2"
    with pytest.raises(ConfigError, match="cannot read the signature of 'biggest'"):
        tool(max, name="biggest")


def test_callables_without_a_name_or_a_docstring_of_their_own() -> None:
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    class Scaler:
        def __call__(self, x: float) -> float:
            """Double a number."""
            return 2 * x

    with pytest.raises(ConfigError, match=r"not a Python identifier; name it: tool\(fn, name="):
        tool(functools.partial(add, 1))
    with pytest.raises(ConfigError, match="'<lambda>' is not a Python identifier"):
        tool(lambda x: x, description="identity")
    inc = tool(functools.partial(add, 1), name="inc")
    assert (inc.signature, inc.doc, inc("2")) == ("inc(b: int) -> int", "Add two integers.", 3)
    double = tool(Scaler(), name="double")
    assert (double.signature, double.doc, double(4)) == (
        "double(x: float) -> float", "Double a number.", 8.0,
    )  # fmt: skip
    with pytest.raises(ConfigError, match="needs a description"):
        tool(lambda x: x, name="ident")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("min", r"would replace Python's built-in min\(\) in the kernel"),
        ("print", r"would replace Python's built-in print\(\)"),
        ("class", "is not a Python identifier"),
        ("ToolError", "reserved by codeact's tool bridge"),
        ("_codeact_tool_call", "reserved by codeact's tool bridge"),
    ],
)
def test_names_that_would_break_the_kernel_are_refused(name: str, message: str) -> None:
    def fn(x: int) -> int:
        """Something."""
        return x

    with pytest.raises(ConfigError, match=message):
        tool(fn, name=name)


def test_names_outside_ascii_are_refused() -> None:
    """The stub is source code and Python folds fullwidth letters (NFKC): 'ｏｐｅｎ' is `open`."""

    def f(a: int) -> int:
        """Echo."""
        return a

    for name in ("ｏｐｅｎ", "ＴoolError", "_ｃodeact_tool_call"):
        with pytest.raises(ConfigError, match="not a Python identifier"):
            tool(f, name=name)
    with pytest.raises(ConfigError, match="longer than 64"):
        tool(f, name="x" * 65)
