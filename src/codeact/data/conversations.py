"""Conversation rows: the export's OpenAI-messages contract, ShareGPT, and loaders for general
conversation data to mix in.

The messages row (what `codeact data export` writes, one JSON object per line, and what
`codeact.train` reads) is

    {"id": "math-train-12/s0/expert", "env": "math", "source": "codeact",
     "messages": [{"role": "system", "content": ...}, {"role": "user", "content": ...},
                  {"role": "assistant", "content": ...}, ...]}

Roles are only system (first, at most once), user and assistant. The messages are exactly the
trajectory's: the task is the first user turn, every observation is the user turn the model saw
("Observation:\\n..." with its countdown line), and every assistant turn is the reply as kept in
the history. General conversation rows have `env` "general".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codeact.data.io import DataFileError, iter_jsonl, read_json
from codeact.errors import MissingDependency
from codeact.types import Message, Trajectory

Row = dict[str, Any]
ROLES = ("system", "user", "assistant")
TO_SHAREGPT = {"system": "system", "user": "human", "assistant": "gpt"}
FROM_SHAREGPT = {"system": "system", "human": "user", "user": "user", "gpt": "assistant",
                 "assistant": "assistant", "chatgpt": "assistant", "bing": "assistant",
                 "bard": "assistant"}  # fmt: skip


def trajectory_row(t: Trajectory) -> Row:
    meta = t.meta
    row_id = f"{meta.get('task', 'trajectory')}/s{meta.get('seed', 0)}/{meta.get('model', meta.get('llm', ''))}"
    return {"id": row_id, "env": meta.get("domain", ""), "source": "codeact",
            "messages": [m.to_dict() for m in t.messages]}  # fmt: skip


def row_trajectory(row: Row) -> Trajectory:
    """A messages row back as a Trajectory (the messages; step metadata is not exported)."""
    messages = [Message(m["role"], m["content"]) for m in check_messages(row, "row")]  # type: ignore[arg-type]
    last = messages[-1].content if messages and messages[-1].role == "assistant" else None
    return Trajectory(messages=messages, status="finished", answer=last,
                      meta={"id": row.get("id"), "domain": row.get("env")})  # fmt: skip


def to_sharegpt(row: Row) -> Row:
    turns = [{"from": TO_SHAREGPT[m["role"]], "value": m["content"]} for m in row["messages"]]
    return {"id": row["id"], "conversations": turns}


def check_messages(row: Row, where: str) -> list[dict[str, str]]:
    messages = row.get("messages")
    if not isinstance(messages, list) or not messages:
        raise DataFileError(f"{where}: 'messages' should be a non-empty list")
    for i, m in enumerate(messages):
        if not (
            isinstance(m, dict) and m.get("role") in ROLES and isinstance(m.get("content"), str)
        ):
            raise DataFileError(
                f"{where}: message {i} needs a role ({'/'.join(ROLES)}) and a text content"
            )
        if m["role"] == "system" and i > 0:
            raise DataFileError(f"{where}: a system message may only come first")
    return messages


# --- general conversation data -----------------------------------------------------------------


def load_conversations(path: Path) -> list[Row]:
    """OpenAI-messages JSONL, ShareGPT JSONL (or a JSON list), or a saved Hugging Face dataset."""
    if path.is_dir():
        return [_normalize(row, f"{path}[{i}]", path.name) for i, row in enumerate(_hf_rows(path))]
    if path.suffix == ".json":
        data = read_json(path)
        if not isinstance(data, list):
            raise DataFileError(f"{path}: expected a JSON list of conversations")
        return [_normalize(row, f"{path}[{i}]", path.stem) for i, row in enumerate(data)]
    return [_normalize(row, f"{path}:{n}", path.stem) for n, row in iter_jsonl(path)]


def _normalize(row: object, where: str, source: str) -> Row:
    if not isinstance(row, dict):
        raise DataFileError(f"{where}: expected a JSON object")
    if "messages" in row:
        messages = [
            {"role": m["role"], "content": m["content"]} for m in check_messages(row, where)
        ]
    elif "conversations" in row:
        messages = _from_sharegpt(row["conversations"], where)
    else:
        raise DataFileError(f"{where}: neither 'messages' (OpenAI) nor 'conversations' (ShareGPT)")
    row_id = str(row.get("id", where))
    return {"id": row_id, "env": "general", "source": source, "messages": messages}


def _from_sharegpt(turns: object, where: str) -> list[dict[str, str]]:
    if not isinstance(turns, list) or not turns:
        raise DataFileError(f"{where}: 'conversations' should be a non-empty list")
    out = []
    for i, turn in enumerate(turns):
        speaker = turn.get("from") if isinstance(turn, dict) else None
        if speaker not in FROM_SHAREGPT or not isinstance(turn.get("value"), str):
            raise DataFileError(
                f"{where}: turn {i} needs 'from' (human, gpt or system) and a text 'value'"
            )
        out.append({"role": FROM_SHAREGPT[speaker], "content": turn["value"]})
    return check_messages({"messages": out}, where)


def _hf_rows(path: Path) -> list[Row]:
    try:
        from datasets import DatasetDict, load_from_disk
    except ImportError as exc:
        raise MissingDependency("datasets", "data", "reading a saved Hugging Face dataset") from exc
    try:
        data = load_from_disk(str(path))
    except (FileNotFoundError, ValueError) as exc:
        raise DataFileError(f"{path}: not a saved Hugging Face dataset ({exc})") from exc
    if isinstance(data, DatasetDict):
        data = data["train"] if "train" in data else data[next(iter(data))]
    return [dict(row) for row in data]
