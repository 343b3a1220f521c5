"""Reading data files with errors that name the file and line, and writing JSONL atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from codeact.errors import ConfigError

MAX_LINE = 64 * 1024 * 1024  # one JSONL row: a long trajectory fits; a runaway file does not


class DataFileError(ConfigError):
    """A data file is missing or malformed; the message names the file (and line)."""


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    except ValueError as exc:
        raise DataFileError(f"{path}: malformed JSON ({exc})") from exc


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a malformed line is an error naming it."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            if len(line) > MAX_LINE:
                raise DataFileError(f"{path}:{number}: line longer than {MAX_LINE} bytes")
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise DataFileError(f"{path}:{number}: malformed JSON ({exc})") from exc
            if not isinstance(row, dict):
                raise DataFileError(f"{path}:{number}: expected a JSON object")
            yield number, row


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [row for _, row in iter_jsonl(path)]


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Write rows to `path` through a temporary file, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    count = 0
    with partial.open("w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    os.replace(partial, path)
    return count


def field(row: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    """`row[key]`, checked to be of `kind`; otherwise an error naming `where` (file:line)."""
    if key not in row:
        raise DataFileError(f"{where}: missing field {key!r}")
    value = row[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise DataFileError(f"{where}: field {key!r} should be {names}")
    return value
