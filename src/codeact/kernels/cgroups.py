"""Per-session cgroups for memory, process count and CPU, on cgroup v1 or v2, where writable.

A cgroup is created under the host process's own cgroup (so it stays inside whatever limits the
host already has), the kernel's launcher joins it before exec, and it is removed on shutdown.
"""

from __future__ import annotations

import contextlib
import os
import uuid
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

    def create(self, controllers: list[str]) -> list[Path]:
        """Create one cgroup per limited controller; return the `cgroup.procs` files to join."""
        name = f"codeact-{uuid.uuid4().hex[:12]}"
        limits = {"memory": self.memory_bytes, "pids": self.max_pids, "cpu": self.cpu_cores}
        procs = []
        for controller in controllers:
            value = limits.get(controller)
            where = _own_path(controller)
            if value is None or where is None:
                continue
            path, v2 = where[0] / name, where[1]
            path.mkdir()
            self.dirs.append(path)
            _write_limit(path, controller, value, v2)
            procs.append(path / "cgroup.procs")
        return procs

    def remove(self) -> None:
        for path in self.dirs:
            _kill_all(path)
            with contextlib.suppress(OSError):
                path.rmdir()
        self.dirs.clear()


def _write_limit(path: Path, controller: str, value: float, v2: bool) -> None:
    limit_file = path / _FILES[controller][1 if v2 else 0]
    if controller == "cpu":
        period = 100_000
        quota = int(value * period)
        text = f"{quota} {period}" if v2 else str(quota)
        if not v2:
            (path / "cpu.cfs_period_us").write_text(str(period))
    else:
        text = str(int(value))
    limit_file.write_text(text)
    if controller == "memory" and not v2:
        # no swap either, where the kernel accounts it
        with contextlib.suppress(OSError):
            (path / "memory.memsw.limit_in_bytes").write_text(str(int(value)))
    if controller == "memory" and v2:
        with contextlib.suppress(OSError):
            (path / "memory.swap.max").write_text("0")


def _kill_all(path: Path) -> None:
    """Kill what is left in the cgroup (a sandbox that outlived its kernel)."""
    try:
        pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
    except OSError:
        return
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
