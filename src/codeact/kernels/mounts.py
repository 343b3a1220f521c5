"""Host-side mounts over a session's workspace (root only; each is undone by the session's slot).

- A workspace the kernel creates itself becomes a size-capped tmpfs, so that many files, each under
  the file-size cap, still cannot fill the host's disk. A caller's folder gets no such cap: mounting
  over it would hide its files, and what the code wrote would vanish with the mount.
- A caller's folder is bound onto itself `nosuid,nodev`, so that while the session runs nothing in
  it acts as a setuid program or a device for anyone on the host; its files stay where they are.
- The slot's socket folder (sandbox.py) is a tiny tmpfs of its own, nosuid, nodev and noexec.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)


MOUNTINFO = Path("/proc/self/mountinfo")


def mount_key(path: Path) -> list[str] | None:
    """What identifies the mount on top of `path` wherever it is moved later, or None when
    nothing is mounted there: its mount id, device, source, the inode of its root (mountinfo's
    own root field follows renames, so it cannot be part of the key), and the boot and mount
    namespace it belongs to (mount ids and anonymous devices are reused after an unmount, so a
    record that outlived them must not match a new mount)."""
    found = [fields for fields in _mountinfo() if fields[4] == str(path)]
    if not found:
        return None
    fields = found[-1]
    with contextlib.suppress(OSError):
        return [fields[0], fields[2], _source(fields), str(os.stat(path).st_ino), *_here()]
    return None


def mount_point(key: list[str]) -> str | None:
    """Where the mount that `mount_key` named is now (a host folder can be renamed while a
    session runs or after it crashed), or None when it is gone, covered by another mount, or
    was recorded in another boot or mount namespace."""
    if len(key) != 6 or key[4:] != _here():
        return None
    for fields in _mountinfo():
        if [fields[0], fields[2], _source(fields)] == key[:3]:
            with contextlib.suppress(OSError):
                if str(os.stat(fields[4]).st_ino) == key[3]:
                    return fields[4]
    return None


def _source(fields: list[str]) -> str:
    """The mount source: the second field after the " - " separator."""
    rest = fields[fields.index("-") + 1 :] if "-" in fields else []
    return rest[1] if len(rest) > 1 else ""


def _here() -> list[str]:
    boot = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    return [boot, str(os.stat("/proc/self/ns/mnt").st_ino)]


def _mountinfo() -> list[list[str]]:
    """The fields of each line, with the kernel's octal escapes (spaces, tabs) decoded."""
    lines = MOUNTINFO.read_text().splitlines()
    return [[_unescape(field) for field in line.split()] for line in lines]


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _mount(*args: str) -> bool:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        log.warning("mount %s failed: %s", " ".join(args), result.stderr.strip())
    return result.returncode == 0


def mount_tmpfs(path: Path, options: str) -> bool:
    # a source of its own, so that a record of this mount can never match another tmpfs
    return _mount("-t", "tmpfs", "-o", options, f"codeact-{secrets.token_hex(8)}", str(path))


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
