"""Action formats: how the model writes actions (code, JSON, text), one module each."""

from __future__ import annotations

from typing import Any

from codeact.contracts import ActionFormat
from codeact.registry import resolve

FORMATS = {
    "code": "codeact.actions.code:CodeFormat",
    "json": "codeact.actions.json_call:JSONFormat",
    "text": "codeact.actions.text:TextFormat",
}


def get_format(name: str = "code", **options: Any) -> ActionFormat:
    fmt: ActionFormat = resolve("formats", name, FORMATS)(**options)
    return fmt


__all__ = ["FORMATS", "get_format"]
