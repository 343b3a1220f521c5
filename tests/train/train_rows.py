"""Conversation rows for the training tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def conversation(answer: str = "The answer is 4.") -> dict[str, Any]:
    return {"id": "c", "env": "math", "source": "codeact", "messages": [
        {"role": "system", "content": "You are a helpful assistant that writes Python."},
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "<execute>\nprint(2 + 2)\n</execute>"},
        {"role": "user", "content": "Observation:\n4"},
        {"role": "assistant", "content": f"<solution>{answer}</solution>"},
    ]}  # fmt: skip


def write_data(folder: Path, rows: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "messages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder
