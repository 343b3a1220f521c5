"""Tool results as the values the model's code receives: JSON values, built explicitly.

A tool runs on the host and its result crosses into the sandbox, so nothing may ride along by
accident: no `repr` of an object (which can hold a key or a host address), no pickles. A result is
None, a bool, an int, a float, a str, a list or tuple of results, a dict with str keys, a
dataclass (by its fields; a field declared `field(repr=False)` stays on the host), or a pydantic
model (by `model_dump(mode="json")`, which masks SecretStr). Anything else is refused with an
error that names the type.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

MAX_DEPTH = 64
# exact base values: a subclass (an IntEnum, a str with its own __repr__) is reduced to its base
_BASE: dict[type, Callable[[Any], Any]] = {
    bool: bool,
    int: int.__int__,
    float: float.__float__,
    str: str.__str__,
}


class UnsendableResult(TypeError):
    """A tool returned something that has no faithful JSON form."""


def to_json_value(value: Any, *, depth: int = 0) -> Any:
    """`value` as plain JSON data (see the module docstring), or UnsendableResult."""
    if depth > MAX_DEPTH:
        raise UnsendableResult(f"the result nests deeper than {MAX_DEPTH} levels")
    if value is None:
        return None
    for base, exact in _BASE.items():
        if isinstance(value, base):
            return exact(value)
    if isinstance(value, list | tuple):
        return [to_json_value(v, depth=depth + 1) for v in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise UnsendableResult(f"a dict key is a {_type_name(key)}, not a str")
            out[key] = to_json_value(item, depth=depth + 1)
        return out
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_json_value(getattr(value, f.name), depth=depth + 1)
            for f in dataclasses.fields(value)
            if f.repr
        }
    dump = getattr(value, "model_dump", None)
    if callable(dump) and hasattr(type(value), "model_fields"):
        return to_json_value(dump(mode="json"), depth=depth + 1)
    raise UnsendableResult(
        f"a {_type_name(value)} cannot be sent to the code: return JSON values (str, int, float, "
        "bool, None, lists, dicts with str keys), a dataclass or a pydantic model"
    )


def render(value: Any) -> str:
    """A result as the model sees it in every format: what `print(result)` shows in the kernel."""
    data = to_json_value(value)
    return data if isinstance(data, str) else repr(data)


def _type_name(value: Any) -> str:
    kind = type(value)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )
