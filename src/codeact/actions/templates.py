"""Prompt templates, kept as files beside this module."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


@cache
def template(name: str) -> str:
    return (files("codeact.actions") / "templates" / f"{name}.md").read_text()
