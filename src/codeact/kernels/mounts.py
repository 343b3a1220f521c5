"""Host-side mounts over a session's workspace (root only; each is undone by the session's slot).

- A workspace the kernel creates itself becomes a size-capped tmpfs, so that many files, each under
  the file-size cap, still cannot fill the host's disk. A caller's folder gets no such cap: mounting
  over it would hide its files, and what the code wrote would vanish with the mount.
- A caller's folder is bound onto itself `nosuid,nodev`, so that while the session runs nothing in
  it acts as a setuid program or a device for anyone on the host; its files stay where they are.
- The slot's socket folder (sandbox.py) is a tiny tmpfs of its own, nosuid, nodev and noexec.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)


def _mount(*args: str) -> bool:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        log.warning("mount %s failed: %s", " ".join(args), result.stderr.strip())
    return result.returncode == 0


def mount_tmpfs(path: Path, options: str) -> bool:
    return _mount("-t", "tmpfs", "-o", options, "codeact", str(path))


def mount_workspace(workdir: Path, size_mb: int | None, uid: int | None) -> bool:
    """A size-capped, nosuid, nodev tmpfs over the (empty) `workdir`, owned by `uid`."""
    if not (size_mb and os.geteuid() == 0) or any(workdir.iterdir()):
        return False
    options = f"size={size_mb}m,mode=0700,nosuid,nodev"
    if uid is not None:
        options += f",uid={uid},gid={uid}"
    return mount_tmpfs(workdir, options)


def nosuid_bind(workdir: Path) -> bool:
    """Bind `workdir` onto itself with nosuid and nodev."""
    if os.geteuid() != 0 or not _mount("--bind", str(workdir), str(workdir)):
        return False
    if _mount("-o", "remount,bind,nosuid,nodev", str(workdir)):
        return True
    subprocess.run(["umount", "-l", str(workdir)], capture_output=True)
    return False
