"""Session slots: what one sandboxed session holds on the host, and how it is given back.

A slot is three things:
- a lock file that the session holds (flock) for its whole life. The operating system drops the lock
  when the owner dies, so a slot whose lock can be taken is not in use: whatever it still records
  was left by a crash and is reclaimed, without racing a live session.
- a host-only directory (mode 0700, under a private state root) for the connection file, the IPC
  sockets and the record of what the session set up.
- when codeact runs as root, a host uid and gid of the session's own (CODEACT_SANDBOX_UIDS,
  default 61000-61999, skipping any that /etc/passwd or /etc/group knows). The sandbox runs as
  that uid, so the files it leaves, its processes and the per-user kernel resources it uses
  (RLIMIT_NPROC, inotify instances, message queues, keyrings) belong to nobody else.

What the session sets up (cgroups, mounts, a workspace lent to its uid, folders to delete) is
written to the slot's `state.json` as it happens; `release()` undoes exactly that, and so does the
next `acquire()` that finds a slot left behind by a process that was killed.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import grp
import json
import logging
import os
import pwd
import random
import shutil
import signal
import stat
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from codeact.errors import KernelError
from codeact.kernels import hostfs, mounts

log = logging.getLogger(__name__)

DEFAULT_UIDS = (61000, 61999)
STATE_FILE = "state.json"


@dataclass
class SlotState:
    """What a session set up on the host, in the order it must be undone."""

    uid: int | None = None
    pids: list[int] = field(default_factory=list)  # host process that owned the slot
    cgroups: list[str] = field(default_factory=list)
    mounts: list[str] = field(default_factory=list)
    mount_keys: dict[str, list[str]] = field(default_factory=dict)  # path -> mounts.mount_key
    lent: dict[str, list[int]] = field(default_factory=dict)  # path -> [owner uid, owner gid]
    remove: list[str] = field(default_factory=list)


class Slot:
    """One acquired slot. `dir` is host-only; `uid` is the sandbox's host uid (None unless root)."""

    def __init__(self, index: int, lock_fd: int, root: Path, uid: int | None) -> None:
        self.index = index
        self.uid = uid
        self.dir = root / str(index)
        self._lock_fd: int | None = lock_fd
        self._owner = os.getpid()
        self.state = SlotState(uid=uid, pids=[self._owner])
        self.dir.mkdir(mode=0o700, exist_ok=True)
        self.save()
        _live.add(self)

    # --- recording ------------------------------------------------------------------------------

    def save(self) -> None:
        _save_state(self.dir / STATE_FILE, self.state)

    def record_cgroup(self, path: Path) -> None:
        self.state.cgroups.append(str(path))
        self.save()

    def record_mount(self, path: Path) -> None:
        self.state.mounts.append(str(path))
        if key := mounts.mount_key(path):
            self.state.mount_keys[str(path)] = key
        self.save()

    def record_lent(self, path: Path, owner: tuple[int, int]) -> None:
        self.state.lent[str(path)] = list(owner)
        self.save()

    def record_removal(self, path: Path) -> None:
        self.state.remove.append(str(path))
        self.save()

    # --- the end ----------------------------------------------------------------------------------

    def kill_processes(self) -> None:
        """Kill everything of this session still running: its cgroups' members and its uid's."""
        _kill_session(self.state)

    def release(self) -> None:
        """Undo what the session set up, empty the slot, and give up its lock."""
        if self._lock_fd is None or os.getpid() != self._owner:
            return  # released already, or a forked copy: the slot is its parent's
        try:
            undo(self.state, self.save)
            _empty(self.dir)
        finally:
            os.close(self._lock_fd)
            self._lock_fd = None
            _live.discard(self)


def _save_state(path: Path, state: SlotState) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(asdict(state)))
    tmp.replace(path)


_live: set[Slot] = set()


@atexit.register
def _release_all() -> None:
    """A process that exits without shutting its kernels down still gives their slots back (a
    killed one cannot: the next start reclaims them)."""
    for slot in list(_live):
        with contextlib.suppress(Exception):
            slot.release()


def acquire() -> Slot:
    """A free slot, reclaiming what a crashed owner left in it."""
    root = state_root()
    uid_mode = os.geteuid() == 0
    candidates = _candidates(uid_mode)
    start = random.randrange(len(candidates))  # concurrent starters rarely contend
    for index in candidates[start:] + candidates[:start]:
        fd = _try_lock(root / f"{index}.lock")
        if fd is None:
            continue
        try:
            _reclaim(root / str(index))
            return Slot(index, fd, root, index if uid_mode else None)
        except BaseException:
            os.close(fd)
            raise
    raise KernelError(f"all {len(candidates)} sandbox slots under {root} are in use")


def reclaim_stale() -> int:
    """Undo what killed sessions left (mounts, cgroups, processes, lent workspaces, folders).
    Live sessions hold their locks and are skipped. Returns the number of slots reclaimed."""
    root = state_root()
    reclaimed = 0
    for lock in root.glob("*.lock"):
        fd = _try_lock(lock)
        if fd is None:
            continue
        try:
            if (root / lock.stem / STATE_FILE).exists():
                _reclaim(root / lock.stem)
                reclaimed += 1
        finally:
            os.close(fd)
    return reclaimed


def root_path() -> Path:
    """Where the slots live: CODEACT_STATE_DIR, /run/codeact as root, else a per-user folder."""
    configured = os.environ.get("CODEACT_STATE_DIR")
    if configured:
        return Path(configured)
    if os.geteuid() == 0 and os.access("/run", os.W_OK):
        return Path("/run/codeact")
    if os.environ.get("XDG_RUNTIME_DIR"):
        return Path(os.environ["XDG_RUNTIME_DIR"]) / "codeact"
    return Path(tempfile.gettempdir()) / f"codeact-{os.geteuid()}"


def state_root() -> Path:
    """The private folder that holds every slot, created (mode 0700) and checked."""
    root = root_path()
    with contextlib.suppress(FileExistsError):
        root.mkdir(mode=0o700, parents=True)
    info = os.lstat(root)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise KernelError(
            f"the sandbox state folder {root} must be a directory of uid {os.geteuid()} with mode "
            "0700 (is another user squatting it?); remove it or set CODEACT_STATE_DIR"
        )
    return root


def uid_range() -> tuple[int, int]:
    text = os.environ.get("CODEACT_SANDBOX_UIDS")
    if not text:
        return DEFAULT_UIDS
    try:
        low, high = (int(x) for x in text.split("-", 1))
    except ValueError:
        raise KernelError(
            f"CODEACT_SANDBOX_UIDS={text!r} is not a range like 61000-61999"
        ) from None
    if not 0 < low <= high:
        raise KernelError(f"CODEACT_SANDBOX_UIDS={text!r} is not a range of positive uids")
    return low, high


# --- internals ------------------------------------------------------------------------------------


def _candidates(uid_mode: bool) -> list[int]:
    low, high = uid_range()
    numbers = range(low, high + 1)
    if not uid_mode:
        return list(numbers)
    mapped = _mapped_uids()
    busy = _running_uids()  # a uid someone else's process runs as is never ours to take
    free = [
        n for n in numbers
        if n not in busy and _unknown_id(n) and any(a <= n < b for a, b in mapped)
    ]  # fmt: skip
    if not free:
        raise KernelError(
            f"no uid in {low}-{high} is free for the sandbox (all are known users, or not mapped "
            "in this user namespace); set CODEACT_SANDBOX_UIDS to a free range"
        )
    return free


def _unknown_id(n: int) -> bool:
    for lookup in (pwd.getpwuid, grp.getgrgid):
        try:
            lookup(n)
            return False
        except KeyError:
            pass
    return True


def _mapped_uids() -> list[tuple[int, int]]:
    try:
        lines = Path("/proc/self/uid_map").read_text().splitlines()
    except OSError:
        return [(0, 2**32)]
    ranges = []
    for line in lines:
        inside, _outside, count = (int(x) for x in line.split())
        ranges.append((inside, inside + count))
    return ranges


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def _reclaim(slot_dir: Path) -> None:
    state_file = slot_dir / STATE_FILE
    if not state_file.exists():
        return
    try:
        state = SlotState(**json.loads(state_file.read_text()))
    except (ValueError, TypeError) as exc:
        log.warning("unreadable sandbox slot record %s (%s); emptying the slot", state_file, exc)
        state = SlotState()
    log.info("reclaiming sandbox slot %s left by process %s", slot_dir.name, state.pids)
    # keys of another codeact version's shape match nothing: their mounts are undone by path
    state.mount_keys = {
        path: key
        for path, key in state.mount_keys.items()
        if isinstance(key, list) and all(isinstance(part, str) for part in key)
    }
    try:
        undo(state, lambda: _save_state(state_file, state))
    except Exception as exc:  # a record that cannot be undone must not stop a new session
        log.warning(
            "could not undo sandbox slot record %s (%s); emptying the slot", state_file, exc
        )
    _empty(slot_dir)


def undo(state: SlotState, save: Callable[[], None] = lambda: None) -> None:
    """Kill what runs, then remove cgroups, unmount, hand workspaces back, delete folders.

    A mounted folder may have been renamed since it was recorded (a crashed session's workspace
    moved before the next start): it is found by its mount, and unmounted and handed back there.
    A mount is undone only while it is the top one at its place, never another session's over it,
    and is struck from the record (`save`) once undone: a release cut short and replayed later
    never unmounts what has since been mounted in its place."""
    _kill_session(state)
    for cgroup in state.cgroups:
        with contextlib.suppress(OSError):
            Path(cgroup).rmdir()
    moved = {path: mounts.mount_point(key) or path for path, key in state.mount_keys.items()}
    for mount in list(reversed(state.mounts)):
        key, target = state.mount_keys.get(mount), moved.get(mount, mount)
        if key is None or mounts.mount_key(Path(target)) == key:  # never another session's
            subprocess.run(["umount", "-l", target], capture_output=True)
        state.mounts.remove(mount)
        state.mount_keys.pop(mount, None)
        save()
    for path, (uid, gid) in state.lent.items():
        with contextlib.suppress(OSError):
            hostfs.hand_back(Path(moved.get(path, path)), (uid, gid), state.uid)
    for path in state.remove:
        shutil.rmtree(path, ignore_errors=True)


def _kill_session(state: SlotState) -> None:
    pids: set[int] = set()
    for cgroup in state.cgroups:
        with contextlib.suppress(OSError, ValueError):
            pids.update(int(p) for p in (Path(cgroup) / "cgroup.procs").read_text().split())
    if state.uid is not None:
        pids.update(_processes_of(state.uid))
    pids.discard(os.getpid())
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def _running_uids() -> set[int]:
    """The real uids of every process on the host."""
    uids = set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                uids.add(os.stat(entry.path).st_uid)
    return uids


def _processes_of(uid: int) -> list[int]:
    """Host pids whose real, effective or saved uid is `uid`."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            status = Path(entry.path, "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("Uid:"):
                if str(uid) in line.split()[1:4]:
                    found.append(int(entry.name))
                break
    return found


def _empty(slot_dir: Path) -> None:
    for child in slot_dir.iterdir() if slot_dir.exists() else []:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)
