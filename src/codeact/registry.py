"""Small lazy registries: a short name, an entry point, or a dotted path resolves to a class."""

from __future__ import annotations

import importlib
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


def resolve(kind: str, name: str, builtins: dict[str, str]) -> Any:
    """Find the implementation of `name` among built-ins, then the `codeact.<kind>` entry points,
    then as a dotted import path."""
    if name in builtins:
        return load_object(builtins[name])
    for ep in entry_points(group=f"codeact.{kind}"):
        if ep.name == name:
            return ep.load()
    if "." in name:
        return load_object(name)
    known = ", ".join(sorted(builtins))
    raise ConfigError(f"unknown {kind[:-1]} {name!r}; built-in: {known}, or give an import path")
