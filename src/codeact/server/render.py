"""Reading a step back from the log: the model's words around its action, its output, images."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from codeact.server.workspace import Workspace, WorkspaceError
from codeact.types import ExecutionError, Observation

_ACTION_START = re.compile(r"<execute>|<solution>|```", re.IGNORECASE)
MAX_IMAGE_BYTES = 20 * 1024 * 1024


def thought_of(content: str) -> str:
    """The text the model wrote before its action (all of it when there is none)."""
    match = _ACTION_START.search(content)
    return (content[: match.start()] if match else content).strip()


def observation_of(data: dict[str, Any] | None) -> Observation | None:
    if data is None:
        return None
    data = dict(data)
    error = data.pop("error", None)
    return Observation(**data, error=ExecutionError(**error) if error else None)


def read_image(workspace: Path | None, path: str) -> bytes | None:
    """An image the kernel saved in the workspace, read without following links; None if gone."""
    if workspace is None:
        return None
    try:
        return Workspace(workspace).open_file(path, MAX_IMAGE_BYTES).read()
    except (WorkspaceError, OSError):
        return None
