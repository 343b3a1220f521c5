"""Files in a conversation's workspace, read and written from the host side.

The workspace is written by sandboxed code, so every name in it may be a trap: a symlink to
/etc/shadow, a FIFO that blocks whoever opens it, a directory swapped for a link between two
calls. So paths are walked one component at a time without following links (codeact.kernels.
hostfs, which the kernels use too; no `..`, no absolute paths), files are opened non-blocking and
must be regular files, sizes are capped, and uploads land through a fresh file renamed into
place (never writing through whatever the code left under that name).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeact.kernels import hostfs

MAX_DEPTH = 32
MAX_LISTED = 2000
CHUNK = 64 * 1024


class WorkspaceError(Exception):
    """A refused file operation; `status` is the HTTP status that says why."""

    status = 400


class FileMissing(WorkspaceError):
    status = 404


class FileTooLarge(WorkspaceError):
    status = 413


def split_path(path: str) -> list[str]:
    """The components of a relative path, refusing traversal and odd names."""
    parts = [p for p in path.split("/") if p]
    if path.startswith("/") or not parts or len(parts) > MAX_DEPTH:
        raise WorkspaceError(f"invalid path {path!r}: give a relative path inside the workspace")
    for part in parts:
        if part in (".", "..") or "\0" in part or len(part.encode()) > 255:
            raise WorkspaceError(f"invalid path {path!r}: '.', '..' and NUL are not allowed")
    return parts


@dataclass
class OpenedFile:
    """A regular file opened safely; iterate it for chunks, capped at its size when opened."""

    fd: int
    size: int
    name: str

    def chunks(self) -> Iterator[bytes]:
        left = self.size
        try:
            while left > 0 and (data := os.read(self.fd, min(CHUNK, left))):
                left -= len(data)
                yield data
        finally:
            self.close()

    def read(self) -> bytes:
        return b"".join(self.chunks())

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root

    def open_file(self, path: str, max_bytes: int) -> OpenedFile:
        *folders, name = split_path(path)
        with self._folder(folders) as folder, _refusals(path):
            fd = hostfs.open_regular(folder, name)
        info = os.fstat(fd)
        if info.st_size > max_bytes:
            os.close(fd)
            raise FileTooLarge(f"{path!r} is {info.st_size} bytes, over the {max_bytes}-byte limit")
        return OpenedFile(fd, info.st_size, name)

    def write_file(self, path: str, data: bytes) -> int:
        """Write `data` to `path`, creating folders; replaces a file, never writes through a link."""
        *folders, name = split_path(path)
        with self._folder(folders, create=True) as folder:
            temp = f".upload-{secrets.token_hex(8)}"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
            fd = os.open(temp, flags, 0o644, dir_fd=folder)
            try:
                self._give_to_owner(fd)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                _replace(temp, name, folder, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp, dir_fd=folder)
                raise
        return len(data)

    def list_files(self) -> list[dict[str, Any]]:
        """Every entry (not following links), breadth first, at most MAX_LISTED."""
        entries: list[dict[str, Any]] = []
        pending: list[list[str]] = [[]]
        while pending and len(entries) < MAX_LISTED:
            folders = pending.pop(0)
            with contextlib.suppress(WorkspaceError), self._folder(folders) as folder:
                for entry in _scan(folder):
                    kind, size = _kind(entry)
                    rel = [*folders, entry.name]
                    entries.append({"path": "/".join(rel), "type": kind, "size": size})
                    if kind == "directory" and len(rel) < MAX_DEPTH:
                        pending.append(rel)
                    if len(entries) >= MAX_LISTED:
                        break
        return sorted(entries, key=lambda e: str(e["path"]))

    @contextlib.contextmanager
    def _folder(self, parts: list[str], create: bool = False) -> Iterator[int]:
        """An fd of root/parts..., walked without following links (optionally creating folders,
        which then belong to the workspace's owner)."""
        with _refusals("/".join(parts)):
            fd = hostfs.open_dir(
                self.root, "/".join(parts) or ".", create=create, on_create=self._give_to_owner
            )
        try:
            yield fd
        finally:
            os.close(fd)

    def _give_to_owner(self, fd: int) -> None:
        """As root, what the host adds belongs to whoever owns the workspace: while a sandboxed
        kernel runs there, that is the session's own uid, so its code can change the file."""
        if os.geteuid() != 0:
            return
        owner = os.stat(self.root, follow_symlinks=False)
        os.fchown(fd, owner.st_uid, owner.st_gid)


@contextlib.contextmanager
def _refusals(shown: str) -> Iterator[None]:
    """hostfs's refusals as the API's errors: 404 for what is missing, 400 for the rest."""
    try:
        yield
    except FileNotFoundError:
        raise FileMissing(f"no file {shown!r} in the workspace") from None
    except OSError as exc:  # ELOOP: a symbolic link; ENOTDIR: a file where a folder should be
        raise WorkspaceError(f"{shown!r} cannot be opened: {_why(exc)}") from None


def _replace(temp: str, name: str, folder: int, shown: str) -> None:
    try:
        os.rename(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except OSError as exc:  # EISDIR and friends: a folder stands there
        raise WorkspaceError(f"{shown!r} cannot be written: {_why(exc)}") from None


def _why(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "it is a symbolic link"
    return exc.strerror or type(exc).__name__


def _scan(folder: int) -> list[os.DirEntry[str]]:
    # scandir(fd) reads (a duplicate of) the open folder; it never resolves a path again
    with os.scandir(folder) as it:
        return list(it)


def _kind(entry: os.DirEntry[str]) -> tuple[str, int | None]:
    info = entry.stat(follow_symlinks=False)
    if stat.S_ISDIR(info.st_mode):
        return "directory", None
    if stat.S_ISREG(info.st_mode):
        return "file", info.st_size
    if stat.S_ISLNK(info.st_mode):
        return "symlink", None
    return "other", None
