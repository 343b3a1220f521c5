"""Small lazy registries: a short name, an entry point, or a dotted path resolves to a class.

Built-in backends are found by the same mechanism as everyone else's (`codeact.<kind>` entry points
and import paths); nothing in codeact asks for a backend by its name. Options go to the backend's
constructor, and are checked against its signature first, so a backend that cannot take an option
says so before any work: `build("llms", "local", LLMS, base_url=...)` is a ConfigError that lists
the options `local` takes.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any

from codeact.errors import ConfigError


def load_object(path: str) -> Any:
    """Import `package.module:Name` or `package.module.Name`."""
    module_name, _, attr = path.partition(":") if ":" in path else path.rpartition(".")
    if not module_name or not attr:
        raise ConfigError(f"{path!r} is not an import path like 'package.module.Name'")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"cannot import {module_name!r} for {path!r}: {exc}") from exc
    try:
        return getattr(module, attr)
    except AttributeError as exc:
        raise ConfigError(f"{module_name!r} has no attribute {attr!r}") from exc


def resolve(kind: str, name: str, builtins: Mapping[str, str]) -> Any:
    """Find the implementation of `name` among built-ins, then the `codeact.<kind>` entry points,
    then as a dotted import path."""
    if name in builtins:
        return load_object(builtins[name])
    for ep in entry_points(group=f"codeact.{kind}"):
        if ep.name == name:
            return ep.load()
    if "." in name:
        return load_object(name)
    known = ", ".join(registered(kind, builtins))
    raise ConfigError(f"unknown {kind[:-1]} {name!r}; known: {known}, or give an import path")


def registered(kind: str, builtins: Mapping[str, str]) -> list[str]:
    """The names `resolve` knows without an import path: built-ins, then entry points."""
    names = list(builtins)
    names += sorted({ep.name for ep in entry_points(group=f"codeact.{kind}")} - set(names))
    return names


def build(kind: str, name: str, builtins: Mapping[str, str], /, *args: Any, **options: Any) -> Any:
    """Resolve `name` and call it with `args` and `options`, once the options are checked."""
    factory = resolve(kind, name, builtins)
    check_options(factory, options, f"{kind[:-1]} {name!r}")
    return factory(*args, **options)


def check_options(factory: Any, options: Mapping[str, Any], what: str) -> None:
    """ConfigError unless `factory` takes every keyword in `options` (a `**kwargs` takes all)."""
    accepted = option_names(factory)
    if accepted is None:
        return
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        takes = ", ".join(accepted) or "none"
        names = ", ".join(map(repr, unknown))
        raise ConfigError(f"the {what} takes no option {names}; its options: {takes}")


def option_names(factory: Any) -> list[str] | None:
    """The keyword options `factory` takes; None when it takes any or hides them. A class whose
    `__init__` passes `**options` on to its base class takes the base's options too."""
    inits = [factory]
    if inspect.isclass(factory):
        inits = [k.__dict__["__init__"] for k in factory.__mro__ if "__init__" in k.__dict__]
    names: list[str] = []
    for init in inits:
        if init is object.__init__:
            return None
        try:
            params = list(inspect.signature(init).parameters.values())
        except (TypeError, ValueError):
            return None
        keyword = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        names += [p.name for p in params if p.kind in keyword and p.name not in (*names, "self")]
        if not any(p.kind is p.VAR_KEYWORD for p in params):
            return names
    return None
