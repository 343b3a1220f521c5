"""Per-session cgroups for memory, process count and CPU, on cgroup v1 or v2, where writable.

A cgroup is created under the host process's own cgroup (so it stays inside whatever limits the
host already has), and the kernel's launcher joins it before exec. Every session gets a CPU cgroup
of the default weight: however many processes a session runs, it competes for CPU as one, so one
session cannot crowd out another. `cpu_cores` adds a hard cap. The session's slot records each
cgroup and removes it at the end (or after a crash: see slots.py).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")

# controller -> (v1 limit file, v2 limit file)
_FILES = {
    "memory": ("memory.limit_in_bytes", "memory.max"),
    "pids": ("pids.max", "pids.max"),
    "cpu": ("cpu.cfs_quota_us", "cpu.max"),
}


def _own_path(controller: str) -> tuple[Path, bool] | None:
    """Where this process sits for `controller`: (cgroup dir, is_v2), or None."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller in names.split(","):
            return ROOT / controller / path.lstrip("/"), False
    for line in lines:
        if line.startswith("0::"):
            base = ROOT / "unified" if (ROOT / "unified" / "cgroup.procs").exists() else ROOT
            v2 = base / line[3:].lstrip("/")
            if controller in (v2 / "cgroup.controllers").read_text(errors="ignore").split():
                return v2, True
    return None


def writable_controllers() -> list[str]:
    """The controllers we can create child cgroups in, found by trying."""
    found = []
    for controller in _FILES:
        where = _own_path(controller)
        if where is None:
            continue
        probe = where[0] / f"codeact-probe-{uuid.uuid4().hex[:8]}"
        try:
            probe.mkdir()
            probe.rmdir()
            found.append(controller)
        except OSError:
            continue
    return found


@dataclass
class SessionCgroups:
    """The cgroups of one sandboxed session."""

    memory_bytes: int | None = None
    max_pids: int | None = None
    cpu_cores: float | None = None
    dirs: list[Path] = field(default_factory=list)

    def create(
        self, controllers: list[str], on_create: Callable[[Path], None] | None = None
    ) -> list[Path]:
        """Create the session's cgroups; return the `cgroup.procs` files to join.
        `on_create` hears of each new cgroup before anything is written to it."""
        name = f"codeact-{uuid.uuid4().hex[:12]}"
        limits = {"memory": self.memory_bytes, "pids": self.max_pids}
        procs = []
        for controller in controllers:
            where = _own_path(controller)
            if where is None or (controller != "cpu" and limits.get(controller) is None):
                continue
            path, v2 = where[0] / name, where[1]
            path.mkdir()
            self.dirs.append(path)
            if on_create is not None:
                on_create(path)
            if controller == "cpu":
                _write_cpu(path, self.cpu_cores, v2)
            else:
                _write_limit(path, controller, limits[controller] or 0, v2)
            procs.append(path / "cgroup.procs")
        return procs


def _write_cpu(path: Path, cores: float | None, v2: bool) -> None:
    """The default weight, stated (a share equal to any other session's); a quota if `cores`."""
    (path / ("cpu.weight" if v2 else "cpu.shares")).write_text("100" if v2 else "1024")
    if cores is None:
        return
    period = 100_000
    quota = int(cores * period)
    if v2:
        (path / "cpu.max").write_text(f"{quota} {period}")
    else:
        (path / "cpu.cfs_period_us").write_text(str(period))
        (path / "cpu.cfs_quota_us").write_text(str(quota))


def _write_limit(path: Path, controller: str, value: float, v2: bool) -> None:
    limit_file = path / _FILES[controller][1 if v2 else 0]
    text = str(int(value))
    limit_file.write_text(text)
    if controller == "memory" and not v2:
        # no swap either, where the kernel accounts it
        with contextlib.suppress(OSError):
            (path / "memory.memsw.limit_in_bytes").write_text(str(int(value)))
    if controller == "memory" and v2:
        with contextlib.suppress(OSError):
            (path / "memory.swap.max").write_text("0")
