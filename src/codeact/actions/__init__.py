"""Action formats: how the model writes actions (code, JSON, text, native function calls), one
module each.

Formats are found like every other backend (`codeact.registry`): a built-in name, a
`codeact.formats` entry point, or an import path. The built-ins use nothing the others cannot.
"""

from __future__ import annotations

from typing import Any

from codeact.contracts import ActionFormat
from codeact.registry import build, registered

FORMATS = {
    "code": "codeact.actions.code:CodeFormat",
    "json": "codeact.actions.json_call:JSONFormat",
    "text": "codeact.actions.text:TextFormat",
    "tools": "codeact.actions.tools:ToolsFormat",
}


def get_format(name: str = "code", /, **options: Any) -> ActionFormat:
    fmt: ActionFormat = build("formats", name, FORMATS, **options)
    return fmt


def format_names() -> list[str]:
    """The formats found here: the built-in ones, then those installed as entry points."""
    return registered("formats", FORMATS)


__all__ = ["FORMATS", "format_names", "get_format"]
