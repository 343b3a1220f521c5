"""Host-side file operations on trees that sandboxed code controls.

The workspace is written by code the host does not trust: any name in it may be a symlink planted to
point at a host file, a FIFO that blocks whoever opens it, or a file of any size. Whatever the host
opens there goes through these functions: every path component is opened without following links,
files are opened non-blocking and must be regular, reads are capped, and files are created
exclusively. They are also how a workspace is lent to the sandbox's uid and handed back afterwards,
with setuid and setgid bits stripped.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

NOFOLLOW = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
PRIVILEGE_BITS = stat.S_ISUID | stat.S_ISGID


class UnsafePath(OSError):
    """A path in a sandbox-controlled tree that the host refuses to follow or open."""


def _parts(relative: str | PurePosixPath) -> list[str]:
    parts = PurePosixPath(relative).parts
    if PurePosixPath(relative).is_absolute() or any(p in ("..", "") for p in parts):
        raise UnsafePath(errno.EINVAL, f"{str(relative)!r} is not a plain relative path")
    return [p for p in parts if p != "."]


def open_dir(
    root: Path,
    relative: str | PurePosixPath = ".",
    *,
    create: bool = False,
    mode: int = 0o755,
    on_create: Callable[[int], None] | None = None,
) -> int:
    """A directory fd for `root/relative`, opened component by component without following links.

    With `create`, missing directories are made (with `mode`) and `on_create` gets the fd of each
    one made. A missing component raises FileNotFoundError, any other refusal UnsafePath (with the
    errno: ELOOP for a link, ENOTDIR for a file). The caller closes the fd."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in _parts(relative):
            made = False
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, mode, dir_fd=fd)
                    made = True
            child = _open(part, os.O_RDONLY | os.O_DIRECTORY | NOFOLLOW, fd)
            os.close(fd)
            fd = child
            if made and on_create is not None:
                on_create(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def open_regular(dir_fd: int, name: str) -> int:
    """An fd of the regular file `name` in `dir_fd`: never through a link, never blocking (a FIFO
    or a device is refused, not waited on). The caller closes it."""
    fd = _open(name, os.O_RDONLY | os.O_NOCTTY | NOFOLLOW, dir_fd)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnsafePath(0, f"{name!r} is not a regular file")
    return fd


def _open(name: str, flags: int, dir_fd: int) -> int:
    try:
        return os.open(name, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:
        why = "it is a symbolic link" if exc.errno == errno.ELOOP else exc.strerror
        raise UnsafePath(exc.errno or 0, f"{name!r} cannot be opened safely: {why}") from None


def create_file(
    dir_fd: int, name: str, data: bytes, *, owner: tuple[int, int] | None = None, mode: int = 0o644
) -> None:
    """Write a new file `name` in `dir_fd`: never an existing one, never through a link."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, mode, dir_fd=dir_fd)
    with os.fdopen(fd, "wb") as f:
        if owner is not None:
            os.fchown(f.fileno(), *owner)
        f.write(data)


def read_file(root: Path, relative: str | PurePosixPath, max_bytes: int) -> bytes:
    """The bytes of a regular file under `root`, at most `max_bytes` (else UnsafePath)."""
    *parents, name = _parts(relative) or ["."]
    dir_fd = open_dir(root, PurePosixPath(*parents) if parents else ".")
    try:
        fd = open_regular(dir_fd, name)
    finally:
        os.close(dir_fd)
    with os.fdopen(fd, "rb") as f:
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafePath(errno.EFBIG, f"{str(relative)!r} is larger than {max_bytes} bytes")
    return data


def _entries(root: Path) -> Iterator[tuple[int, str, os.stat_result]]:
    """(dir fd, name, lstat) for everything below `root` and `root` itself, on root's filesystem
    only; links are never followed (os.fwalk checks each directory it enters against its lstat)."""
    top = os.lstat(root)
    if not stat.S_ISDIR(top.st_mode):
        return
    parent = os.open(root.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        yield parent, root.name, top
    finally:
        os.close(parent)
    for _dirpath, dirnames, filenames, dir_fd in os.fwalk(root, follow_symlinks=False):
        keep = []
        for name in [*dirnames, *filenames]:
            try:
                info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                if info.st_dev != top.st_dev:
                    continue  # another filesystem mounted inside: not ours to walk
                keep.append(name)
            yield dir_fd, name, info
        dirnames[:] = [d for d in dirnames if d in keep]


def _strip_privilege(dir_fd: int, name: str, info: os.stat_result) -> None:
    if not info.st_mode & PRIVILEGE_BITS:
        return
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
        return
    fd = os.open(name, os.O_RDONLY | NOFOLLOW, dir_fd=dir_fd)
    try:
        if os.fstat(fd).st_ino == info.st_ino:
            os.fchmod(fd, stat.S_IMODE(info.st_mode) & ~PRIVILEGE_BITS)
    finally:
        os.close(fd)


def lend(root: Path, uid: int, gid: int) -> None:
    """Give the tree to the sandbox's uid, so that its code can work there. Only what the tree's
    owner owns is lent (hand_back gives it back to them; other users' files keep their owner),
    and files with several hard links are left alone: their other names may lie outside it."""
    owner = os.lstat(root).st_uid
    for dir_fd, name, info in _entries(root):
        if info.st_uid != owner or (stat.S_ISREG(info.st_mode) and info.st_nlink > 1):
            continue
        with contextlib.suppress(OSError):
            os.chown(name, uid, gid, dir_fd=dir_fd, follow_symlinks=False)


def hand_back(root: Path, owner: tuple[int, int], from_uid: int | None) -> int:
    """After the session: what `from_uid` owns goes back to `owner`, and no file or directory keeps
    a setuid or setgid bit. Returns how many entries were changed. Call it only once nothing of the
    sandbox runs any more."""
    changed = 0
    for dir_fd, name, info in _entries(root):
        try:
            if from_uid is not None and info.st_uid == from_uid:
                os.chown(name, *owner, dir_fd=dir_fd, follow_symlinks=False)
                changed += 1
                info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            if info.st_mode & PRIVILEGE_BITS:
                _strip_privilege(dir_fd, name, info)
                changed += 1
        except OSError:
            continue
    return changed
