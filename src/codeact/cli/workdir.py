"""Where `run` and `chat` keep the files the agent writes, and handing them over safely.

By default each session gets a fresh folder under ./runs/ that is kept after exit; `--workdir DIR`
picks the folder and `--ephemeral` asks for a temporary one that is removed at exit. The folder is
written by sandboxed code, so before the user gets it back, set-user-id and set-group-id bits are
cleared: a file the sandbox made could otherwise run with the host user's rights.
"""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

from codeact.errors import ConfigError

RUNS = Path("runs")


def session_folder(workdir: Path | None, label: str) -> Path:
    """The folder to use: the one given (created if missing) or a fresh one under ./runs/."""
    if workdir is None:
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")[:40] or "run"
        workdir = RUNS / f"{time.strftime('%Y%m%d-%H%M%S')}-{slug}"
        while workdir.exists():  # two sessions started in the same second
            workdir = workdir.with_name(workdir.name + "-1")
    if workdir.exists() and not workdir.is_dir():
        raise ConfigError(f"--workdir {workdir} exists and is not a folder")
    try:
        workdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"cannot create the working folder {workdir}: {exc.strerror}") from exc
    return workdir.resolve()


def hand_over(workdir: Path) -> int:
    """Clear set-id bits on everything under `workdir` (links are not followed); returns how many
    files were changed."""
    changed = 0
    for folder, dirs, files in os.walk(workdir):
        for name in [*dirs, *files]:
            path = os.path.join(folder, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISLNK(mode) or not mode & (stat.S_ISUID | stat.S_ISGID):
                continue
            os.chmod(path, stat.S_IMODE(mode) & ~(stat.S_ISUID | stat.S_ISGID))
            changed += 1
    return changed


def check_writable(path: Path) -> None:
    """Refuse an --output path that could not be written, before any work is done: by trying
    (permissions alone say nothing for root, nor on a read-only file system)."""
    if path.is_dir():
        raise ConfigError(f"--output {path} is a folder; give a file name")
    existed = path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a" if existed else "x"):
            pass
    except OSError as exc:
        raise ConfigError(f"--output {path} cannot be written: {exc.strerror}") from exc
    if not existed:
        path.unlink()
