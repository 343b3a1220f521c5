"""A tool built from a name, a JSON-schema of its parameters, a description and a callable.

For tools that exist as data rather than as Python functions (an API's documentation, an MCP
server's tool list, a benchmark's API records):

    weather = schema_tool(
        "get_weather",
        {"type": "object",
         "properties": {"city": {"type": "string", "description": "the city"},
                        "unit": {"type": "string", "enum": ["C", "F"], "default": "C"}},
         "required": ["city"]},
        "The weather in a city.",
        lambda city, unit="C": {"city": city, "unit": unit},
    )

It is a `FunctionTool` like any other: the same checks of its name, the same rendering (a Python
signature for code, this schema for JSON, a line for text), and the same validation of its
arguments by pydantic, from a signature made from the schema (required parameters first). The
callable gets keyword arguments only. An optional parameter with no default is shown as `= None`
and left out of the call when the model leaves it out (or writes None), so the callable sees only
what was given.
"""

from __future__ import annotations

import inspect
import keyword
import typing
from collections.abc import Callable, Mapping
from typing import Any

from codeact.errors import ConfigError
from codeact.tools.function import FunctionTool

_TYPES: dict[str, Any] = {
    "string": str,
    "integer": int,
    "number": float,
    "boolean": bool,
    "object": dict[str, Any],
    "null": type(None),
}


class SchemaTool(FunctionTool):
    """A FunctionTool whose JSON schema is the one it was built from (descriptions and all)."""

    def __init__(
        self,
        name: str,
        parameters: Mapping[str, Any],
        description: str,
        func: Callable[..., Any],
        *,
        bind: Mapping[str, Any] | None = None,
    ) -> None:
        self.parameters_schema = _checked(name, parameters)
        signature, omittable = _signature(self.parameters_schema)

        def call(*args: Any, **kwargs: Any) -> Any:
            given = signature.bind(*args, **kwargs).arguments
            return func(**{k: v for k, v in given.items() if not (k in omittable and v is None)})

        call.__signature__ = signature  # type: ignore[attr-defined]
        call.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
        call.__name__ = name
        super().__init__(call, name, description=_doc(description, parameters), bind=bind)

    def json_schema(self) -> dict[str, Any]:
        properties = dict(self.parameters_schema["properties"])
        for pname in list(properties):
            if pname in self.bound:
                del properties[pname]
            elif pname not in self.parameters_schema["required"]:
                properties[pname] = {"default": None} | dict(properties[pname])
        required = [p for p in self.parameters_schema["required"] if p not in self.bound]
        parameters = {**self.parameters_schema, "properties": properties, "required": required}
        return {"name": self.name, "description": self.doc, "parameters": parameters}


def schema_tool(
    name: str,
    parameters: Mapping[str, Any],
    description: str,
    func: Callable[..., Any],
    *,
    bind: Mapping[str, Any] | None = None,
) -> SchemaTool:
    """A tool from a name, a JSON schema of its parameters (an "object" schema with
    "properties" and "required"), a description and a callable taking keyword arguments."""
    return SchemaTool(name, parameters, description, func, bind=bind)


def _checked(name: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(parameters, Mapping) or parameters.get("type", "object") != "object":
        raise ConfigError(f"tool {name!r}: parameters must be a JSON schema of type 'object'")
    properties = parameters.get("properties", {})
    required = parameters.get("required", [])
    if not isinstance(properties, Mapping) or not isinstance(required, list):
        raise ConfigError(f"tool {name!r}: 'properties' is an object and 'required' a list")
    for pname in properties:
        if not isinstance(pname, str) or not pname.isidentifier() or keyword.iskeyword(pname):
            raise ConfigError(f"tool {name!r}: parameter {pname!r} is not a Python identifier")
    unknown = [r for r in required if r not in properties]
    if unknown:
        raise ConfigError(f"tool {name!r}: required parameters {unknown} are not in properties")
    return {**parameters, "type": "object", "properties": dict(properties), "required": required}


def _signature(schema: dict[str, Any]) -> tuple[inspect.Signature, set[str]]:
    """A Python signature for the schema (required parameters first), and the optional
    parameters without a default (shown as `= None`, left out of the call when None)."""
    required, optional, omittable = [], [], set()
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    for pname, spec in schema["properties"].items():
        hint = _annotation(spec if isinstance(spec, Mapping) else {})
        if pname in schema["required"]:
            required.append(inspect.Parameter(pname, kind, annotation=hint))
        elif isinstance(spec, Mapping) and "default" in spec:
            optional.append(
                inspect.Parameter(pname, kind, default=spec["default"], annotation=hint)
            )
        else:
            omittable.add(pname)
            hint = hint | None if hint is not Any else Any
            optional.append(inspect.Parameter(pname, kind, default=None, annotation=hint))
    return inspect.Signature([*required, *optional]), omittable


def _annotation(spec: Mapping[str, Any]) -> Any:
    """The Python type a JSON schema describes (Any where it says nothing that fits)."""
    if spec.get("enum"):
        return typing.Literal[tuple(spec["enum"])]
    for key in ("anyOf", "oneOf"):
        if isinstance(spec.get(key), list) and spec[key]:
            return typing.Union[tuple(_annotation(s) for s in spec[key])]  # noqa: UP007
    kind = spec.get("type")
    if isinstance(kind, list) and kind:
        return typing.Union[tuple(_annotation({**spec, "type": k}) for k in kind)]  # noqa: UP007
    if kind == "array":
        items = spec.get("items")
        item = _annotation(items) if isinstance(items, Mapping) else Any
        return list[item]  # type: ignore[valid-type]
    return _TYPES.get(kind, Any) if isinstance(kind, str) else Any


def _doc(description: str, parameters: Mapping[str, Any]) -> str:
    """The description, then one line per parameter that has a description of its own."""
    lines = [
        f"{pname}: {spec['description']}"
        for pname, spec in parameters.get("properties", {}).items()
        if isinstance(spec, Mapping) and spec.get("description")
    ]
    return description.strip() + ("\n\n" + "\n".join(lines) if lines else "")
