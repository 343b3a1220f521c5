"""A per-session cap on the workspace's total size."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass
class WorkspaceQuota:
    """A size-capped tmpfs mounted on the host over a fresh workspace, so that many files, each
    under the file-size cap, still cannot fill the host's disk. Needs root, and is only used for a
    workspace the kernel created itself (mounting over a caller's folder would hide its files, and
    its files would vanish with the mount)."""

    path: Path

    @classmethod
    def mount(cls, workdir: Path, size_mb: int | None, own_workdir: bool) -> WorkspaceQuota | None:
        if not (size_mb and own_workdir and os.geteuid() == 0):
            return None
        if any(workdir.iterdir()):
            return None
        size = f"size={size_mb}m,mode=0755"
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", size, "codeact-workspace", str(workdir)],
            capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 0:
            log.warning("workspace quota unavailable: %s", result.stderr.strip())
            return None
        return cls(workdir)

    def unmount(self) -> None:
        subprocess.run(["umount", "-l", str(self.path)], capture_output=True)
        with contextlib.suppress(OSError):
            self.path.rmdir()
