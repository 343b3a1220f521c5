"""Reading and writing generated trajectories.

`codeact data generate` leaves a generation folder: the runner's `results.jsonl` (one row per
episode; a rerun appends, and the last row of a key wins) and one trajectory JSON per episode under
`trajectories/`. `codeact data filter` writes a trajectory JSONL: one `Trajectory.to_dict()` per
line. Every later stage reads either.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from codeact.bench.runner import read_rows
from codeact.data.io import DataFileError, iter_jsonl, read_json, write_jsonl
from codeact.types import Trajectory


def read_trajectories(source: Path) -> list[Trajectory]:
    """The trajectories of a generation folder (finished rows only) or of a trajectory JSONL."""
    if source.is_dir():
        return list(_from_folder(source))
    if not source.exists():
        raise DataFileError(f"{source}: no such file or folder")
    return [_parse(row, f"{source}:{n}") for n, row in iter_jsonl(source)]


def write_trajectories(path: Path, trajectories: Iterable[Trajectory]) -> int:
    return write_jsonl(path, (t.to_dict() for t in trajectories))


def _from_folder(folder: Path) -> Iterator[Trajectory]:
    results = folder / "results.jsonl"
    if not results.exists():
        raise DataFileError(f"{folder}: not a generation folder (no results.jsonl)")
    try:
        rows = read_rows(results)
    except (ValueError, KeyError) as exc:
        raise DataFileError(f"{results}: malformed results ({exc})") from exc
    for row in rows:
        if row.get("error") or not row.get("trajectory"):
            continue
        path = _locate(folder, Path(row["trajectory"]))
        trajectory = _parse(read_json(path), str(path))
        trajectory.meta.setdefault("success", row.get("success"))
        yield trajectory


def _locate(folder: Path, recorded: Path) -> Path:
    """The trajectory file, also when the folder was moved since it was written."""
    if recorded.exists():
        return recorded
    parts = recorded.parts
    if "trajectories" in parts:
        moved = folder.joinpath(*parts[parts.index("trajectories") :])
        if moved.exists():
            return moved
    raise DataFileError(f"{folder}: the trajectory {recorded} is missing")


def _parse(data: object, where: str) -> Trajectory:
    if not isinstance(data, dict):
        raise DataFileError(f"{where}: expected a trajectory object")
    try:
        return Trajectory.from_dict(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFileError(f"{where}: not a codeact trajectory ({exc})") from exc
