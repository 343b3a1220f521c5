"""`@tool`: a typed, documented Python function becomes a Tool.

What the model and the sandbox see of a tool is its name, its signature and its description;
nothing else of the host. So:
- parameters given with `bind={"api_key": KEY}` are filled in on the host at call time, and are
  absent from the signature, the docstring, the JSON schema and the kernel's stub;
- a default is shown only when it is a short plain literal (None, a bool, a number, a short str);
  anything else, and anything in a parameter whose name looks like a credential, is shown as `...`;
- arguments are validated against the signature on the host by pydantic (NaN and infinity are
  refused for floats), whichever format the call came from.
Names that are not identifiers, Python keywords, or names of Python builtins (a tool called `min`
would silently replace `min()` in the kernel) are refused at registration, as are callables whose
signature cannot be read.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import keyword
import re
import types
import typing
from collections.abc import Callable, Mapping
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
_RESERVED = {"ToolError"}  # defined by the kernel-side stubs
_SECRET_NAME = re.compile(r"key|token|secret|passw|credential|auth", re.IGNORECASE)
_SHOWN_STR_LEN = 40
_STARS: dict[Any, str] = {
    inspect.Parameter.VAR_POSITIONAL: "*",
    inspect.Parameter.VAR_KEYWORD: "**",
}


class ToolArgumentError(TypeError):
    """The arguments of a tool call do not fit its signature; the message says how."""


def describe_failure(tool: Any, exc: Exception) -> tuple[str, str]:
    """(error name, message) for a failed tool call, as the model is shown it in every format:
    bad arguments read as a TypeError that ends with the signature."""
    if isinstance(exc, ToolArgumentError):
        return "TypeError", f"{exc}. The signature is {tool.signature}."
    return type(exc).__name__, str(exc)


class FunctionTool:
    """A Tool backed by a plain function; calling it validates and calls the function on the host."""

    def __init__(
        self,
        func: Callable[..., Any],
        name: str | None = None,
        *,
        description: str | None = None,
        bind: Mapping[str, Any] | None = None,
    ) -> None:
        self.func = func
        self.name: str = name or str(getattr(func, "__name__", ""))
        _check_name(self.name)
        self.doc = inspect.cleandoc(description or _own_doc(func) or "").strip()
        if not self.doc:
            raise ConfigError(
                f"tool {self.name!r} needs a description: a docstring, or description='...'"
            )
        try:
            self._full = inspect.signature(func)
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"cannot read the signature of {self.name!r} ({exc}); wrap it in a typed Python "
                "function with a docstring"
            ) from None
        self.bound = dict(bind or {})
        self._sig = _without(self._full, self.bound, self.name)
        self._hints = _hints(func, self._full)
        self.signature = f"{self.name}{_render_signature(self._sig, self._hints)}"
        self._validated: Callable[..., Any] | None = None
        self._validator()  # a callable pydantic cannot validate is refused now, not at a call

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call with the model's arguments: checked against the visible signature, validated and
        converted by pydantic, completed with the bound values."""
        try:
            visible = self._sig.bind(*args, **kwargs)
        except TypeError as exc:
            raise ToolArgumentError(str(exc)) from None
        given = {**visible.arguments, **self.bound}
        ordered = {n: given[n] for n in self._full.parameters if n in given}
        full = inspect.BoundArguments(self._full, ordered)  # type: ignore[arg-type]
        return self._validator()(*full.args, **full.kwargs)

    def invoke(self, arguments: Mapping[str, Any]) -> Any:
        """Call with arguments by name, as the JSON and text formats give them: a `*args`
        parameter takes a list, a `**kwargs` parameter the names no other parameter has."""
        named = dict(arguments)
        params = list(self._sig.parameters.values())
        star = next((p for p in params if p.kind is p.VAR_POSITIONAL), None)
        if star is None or star.name not in named:
            return self(*_take_positional_only(params, named, self.name), **named)
        values = named.pop(star.name)
        if not isinstance(values, list | tuple):
            raise ToolArgumentError(f"{star.name} takes a list of values")
        leading = []  # before *args, the parameters can only be given by position
        for param in params[: params.index(star)]:
            if param.name not in named and param.default is inspect.Parameter.empty:
                raise ToolArgumentError(f"{self.name} needs {param.name!r}")
            leading.append(named.pop(param.name, param.default))
        return self(*leading, *values, **named)

    def _validator(self) -> Callable[..., Any]:
        if self._validated is None:
            import pydantic

            config = pydantic.ConfigDict(allow_inf_nan=False, arbitrary_types_allowed=True)
            try:
                validated = pydantic.validate_call(config=config)(_plain_function(self))
            except pydantic.PydanticUserError as exc:  # annotations pydantic cannot check
                raise ConfigError(f"tool {self.name!r}: {exc.message}") from None

            def call(*args: Any, **kwargs: Any) -> Any:
                try:
                    return validated(*args, **kwargs)
                except pydantic.ValidationError as exc:
                    raise ToolArgumentError(self._explain(exc)) from None

            self._validated = call
        return self._validated

    def _explain(self, exc: Any) -> str:
        positional = [
            p.name
            for p in self._full.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)
        ]
        problems = []
        for err in exc.errors(include_url=False):
            loc = err["loc"][0] if err["loc"] else "arguments"
            if isinstance(loc, int):
                loc = positional[min(loc, len(positional) - 1)] if positional else str(loc)
            problems.append(f"{loc}: {err['msg']} (got {err.get('input')!r:.60})")
        return f"invalid arguments for {self.name}: {'; '.join(problems)}"

    def __repr__(self) -> str:
        return f"<tool {self.signature}>"

    @property
    def parameters(self) -> list[str]:
        return list(self._sig.parameters)

    def json_schema(self) -> dict[str, Any]:
        props: dict[str, Any] = {}
        required: list[str] = []
        for pname, param in self._sig.parameters.items():
            schema = _schema_for(self._hints.get(pname, Any))
            if param.kind is param.VAR_POSITIONAL:
                schema = {"type": "array", "items": schema}
            elif param.kind is param.VAR_KEYWORD:
                continue  # extra names: allowed through additionalProperties below
            props[pname] = schema
            if param.default is inspect.Parameter.empty and param.kind is not param.VAR_POSITIONAL:
                required.append(pname)
            elif _shown_default(pname, param.default) is not None:
                props[pname]["default"] = param.default
        parameters: dict[str, Any] = {"type": "object", "properties": props, "required": required}
        if not any(p.kind is p.VAR_KEYWORD for p in self._sig.parameters.values()):
            parameters["additionalProperties"] = False
        return {"name": self.name, "description": self.doc, "parameters": parameters}


@overload
def tool(func: Callable[..., Any], /) -> FunctionTool: ...
@overload
def tool(
    *,
    name: str | None = None,
    description: str | None = None,
    bind: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Any]], FunctionTool]: ...
@overload
def tool(
    func: Callable[..., Any],
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    bind: Mapping[str, Any] | None = None,
) -> FunctionTool: ...


def tool(
    func: Callable[..., Any] | None = None,
    /,
    *,
    name: str | None = None,
    description: str | None = None,
    bind: Mapping[str, Any] | None = None,
) -> FunctionTool | Callable[[Callable[..., Any]], FunctionTool]:
    """Turn a typed, documented function into a Tool: `@tool`, `@tool(name=..., bind=...)` or
    `tool(fn, bind={"api_key": KEY})` (bound parameters stay on the host)."""
    if func is not None:
        return FunctionTool(func, name, description=description, bind=bind)
    return lambda f: FunctionTool(f, name, description=description, bind=bind)


def _take_positional_only(
    params: list[inspect.Parameter], named: dict[str, Any], tool_name: str
) -> list[Any]:
    """Pop the positional-only parameters' values out of `named`, in order (a built-in's `obj`
    in `len(obj, /)` can be given by name in the JSON and text formats)."""
    values: list[Any] = []
    for param in params:
        if param.kind is not param.POSITIONAL_ONLY or param.name not in named:
            if param.kind is param.POSITIONAL_ONLY and param.default is inspect.Parameter.empty:
                raise ToolArgumentError(f"{tool_name} needs {param.name!r}")
            break
        values.append(named.pop(param.name))
    return values


def _own_doc(func: Callable[..., Any]) -> str | None:
    """The docstring of what `func` runs: a partial's function's, a callable object's own (not its
    class's, nor functools.partial's)."""
    if isinstance(func, functools.partial):
        return _own_doc(func.func)
    if inspect.isroutine(func) or inspect.isclass(func):
        return func.__doc__
    method = vars(type(func)).get("__call__")  # a callable object: its __call__'s
    return getattr(method, "__doc__", None) or type(func).__doc__


def _hints(func: Callable[..., Any], sig: inspect.Signature) -> dict[str, Any]:
    """The resolved annotations of the parameters in `sig` (and the return); none rather than an
    error when they cannot be resolved."""
    target: Any = func
    while isinstance(target, functools.partial):
        target = target.func
    if not (inspect.isroutine(target) or inspect.isclass(target)):
        target = vars(type(target)).get("__call__", target)
    try:
        hints = typing.get_type_hints(target)
    except Exception:  # unresolvable annotations: show none rather than fail
        return {}
    keep = {*sig.parameters, "return"}
    return {k: v for k, v in hints.items() if k in keep}


def _plain_function(tool: FunctionTool) -> Callable[..., Any]:
    """The tool's callable as pydantic can wrap it: a built-in (len, math.hypot) or a callable
    object becomes a Python function with the same signature and annotations."""
    func = tool.func
    if inspect.isfunction(func) or inspect.ismethod(func) or isinstance(func, functools.partial):
        return func

    def call(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    call.__signature__ = tool._full  # type: ignore[attr-defined]
    call.__annotations__ = {n: tool._hints.get(n, Any) for n in tool._full.parameters}
    call.__name__ = tool.name
    return call


MAX_NAME = 64  # characters of a tool's name (what OpenAI's `tools` field takes)


def _check_name(name: str) -> None:
    # ASCII only: the kernel's stub is source code, and Python folds other letters (NFKC), so a
    # name written in fullwidth letters would define `open` there
    if not (name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
        raise ConfigError(
            f"tool name {name!r} is not a Python identifier; name it: tool(fn, name='my_tool')"
        )
    if len(name) > MAX_NAME:
        raise ConfigError(f"tool name {name[:MAX_NAME]!r}… is longer than {MAX_NAME} characters")
    if hasattr(builtins, name):
        raise ConfigError(
            f"tool name {name!r} would replace Python's built-in {name}() in the kernel; "
            f"give it another name, e.g. tool(fn, name='{name}_tool')"
        )
    if name in _RESERVED or name.startswith("_cb_") or name.startswith("_codeact"):
        raise ConfigError(f"tool name {name!r} is reserved by codeact's tool bridge")


def _without(sig: inspect.Signature, bound: Mapping[str, Any], tool_name: str) -> inspect.Signature:
    """The signature the model sees: without the host-bound parameters."""
    for pname in bound:
        param = sig.parameters.get(pname)
        if param is None:
            raise ConfigError(f"tool {tool_name!r} has no parameter {pname!r} to bind")
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise ConfigError(f"tool {tool_name!r}: cannot bind the variadic parameter {pname!r}")
    return sig.replace(parameters=[p for n, p in sig.parameters.items() if n not in bound])


def _shown_default(pname: str, default: Any) -> str | None:
    """How a default appears to the model: a short plain literal, else None (shown as `...`)."""
    if default is inspect.Parameter.empty or _SECRET_NAME.search(pname):
        return None
    if default is None or type(default) in (bool, int, float):
        return repr(default)
    if type(default) is str and len(default) <= _SHOWN_STR_LEN:
        return repr(default)
    return None


def _type_name(hint: Any) -> str:
    if hint is inspect.Parameter.empty:
        return ""
    if isinstance(hint, type) and not typing.get_args(hint):
        return "None" if hint is type(None) else hint.__name__
    return str(hint).replace("typing.", "")


def _render_signature(sig: inspect.Signature, hints: dict[str, Any]) -> str:
    """As Python writes it, `/` and `*` markers included, with only short plain defaults shown."""
    params: list[str] = []
    kinds = [p.kind for p in sig.parameters.values()]
    for i, (pname, param) in enumerate(sig.parameters.items()):
        first_keyword_only = param.kind is param.KEYWORD_ONLY and (
            i == 0 or kinds[i - 1] is not param.KEYWORD_ONLY
        )
        if first_keyword_only and param.VAR_POSITIONAL not in kinds[:i]:
            params.append("*")
        text = _STARS.get(param.kind, "") + pname
        if pname in hints:
            text += f": {_type_name(hints[pname])}"
        if param.default is not inspect.Parameter.empty:
            text += f" = {_shown_default(pname, param.default) or '...'}"
        params.append(text)
        if param.kind is param.POSITIONAL_ONLY and param.POSITIONAL_ONLY not in kinds[i + 1 :]:
            params.append("/")
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
