"""`@tool`: a typed, documented Python function becomes a Tool."""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from typing import Any, overload

from codeact.errors import ConfigError

_JSON_TYPES: dict[Any, str] = {
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    list: "array",
    tuple: "array",
    dict: "object",
    type(None): "null",
}


class FunctionTool:
    """A Tool backed by a plain function; calling it calls the function on the host."""

    def __init__(self, func: Callable[..., Any], name: str | None = None) -> None:
        self.func = func
        self.name = name or func.__name__
        if not self.name.isidentifier():
            raise ConfigError(f"tool name {self.name!r} is not a Python identifier")
        self.doc = inspect.cleandoc(func.__doc__ or "").strip()
        if not self.doc:
            raise ConfigError(f"tool {self.name!r} needs a docstring: the model reads it")
        self._sig = inspect.signature(func)
        self._hints = typing.get_type_hints(func)
        self.signature = f"{self.name}{_render_signature(self._sig, self._hints)}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<tool {self.signature}>"

    @property
    def parameters(self) -> list[str]:
        return list(self._sig.parameters)

    def bind(self, args: dict[str, Any]) -> dict[str, Any]:
        """Check `args` against the signature; raise TypeError with a readable message."""
        bound = self._sig.bind(**args)
        return dict(bound.arguments)

    def json_schema(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        required: list[str] = []
        for pname, param in self._sig.parameters.items():
            props[pname] = _schema_for(self._hints.get(pname, Any))
            if param.default is inspect.Parameter.empty:
                required.append(pname)
            else:
                props[pname]["default"] = param.default
        return {
            "name": self.name,
            "description": self.doc,
            "parameters": {"type": "object", "properties": props, "required": required},
        }


@overload
def tool(func: Callable[..., Any], /) -> FunctionTool: ...
@overload
def tool(*, name: str | None = None) -> Callable[[Callable[..., Any]], FunctionTool]: ...


def tool(
    func: Callable[..., Any] | None = None, /, *, name: str | None = None
) -> FunctionTool | Callable[[Callable[..., Any]], FunctionTool]:
    """Turn a typed, documented function into a Tool: `@tool` or `@tool(name="...")`."""
    if func is not None:
        return FunctionTool(func)
    return lambda f: FunctionTool(f, name=name)


def _type_name(hint: Any) -> str:
    if hint is inspect.Parameter.empty:
        return ""
    if isinstance(hint, type) and not typing.get_args(hint):
        return "None" if hint is type(None) else hint.__name__
    return str(hint).replace("typing.", "")


def _render_signature(sig: inspect.Signature, hints: dict[str, Any]) -> str:
    params = []
    for pname, param in sig.parameters.items():
        text = pname
        if pname in hints:
            text += f": {_type_name(hints[pname])}"
        if param.default is not inspect.Parameter.empty:
            text += f" = {param.default!r}"
        params.append(text)
    ret = f" -> {_type_name(hints['return'])}" if "return" in hints else ""
    return f"({', '.join(params)}){ret}"


def _schema_for(hint: Any) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return {"anyOf": [_schema_for(a) for a in args]}
    if origin is typing.Literal:
        return {"enum": list(args)}
    base = origin or hint
    if base in (list, tuple) and args:
        return {"type": "array", "items": _schema_for(args[0])}
    if base in _JSON_TYPES:
        return {"type": _JSON_TYPES[base]}
    return {}
