"""Where `run` and `chat` keep the files the agent writes.

By default each session gets a fresh folder under ./runs/ that is kept after exit; `--workdir DIR`
picks the folder and `--ephemeral` asks for a temporary one that is removed at exit. The sandbox
lends the folder to its uid and hands it back at the end (kernels/slots.py): owner restored, no
set-user-id or set-group-id bit left.
"""

from __future__ import annotations

import re
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
