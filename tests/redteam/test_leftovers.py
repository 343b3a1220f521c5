"""Leftovers after a crash: a host process killed with SIGKILL cannot clean up, so what it set up
(mounts, cgroups, a lent workspace, its slot folder) is reclaimed by the next start, and only
what no live process holds: a slot's lock dies with its owner."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from redteam_harness import Harness

from codeact.kernels import mounts, slots

CRASHING_HOST = """
import json, sys, time
from codeact.kernels.sandbox import SandboxKernel
lent = SandboxKernel(sys.argv[1], timeout=10)
lent.start()
lent.execute("import os\\nos.makedirs('made', exist_ok=True)\\nopen('made/f', 'w').write('x')")
own = SandboxKernel(timeout=10)
own.start()
print(json.dumps({
    "slots": [str(k.runtime_dir) for k in (lent, own)],
    "uids": [k.host_uid for k in (lent, own)],
    "cgroups": lent.slot.state.cgroups + own.slot.state.cgroups,
    "mounts": lent.slot.state.mounts + own.slot.state.mounts,
    "own": str(own.workdir),
}), flush=True)
time.sleep(600)
"""


def _mounted(path: str) -> bool:
    return mounts.mount_key(Path(path)) is not None


def _crash(lent: Path) -> dict[str, Any]:
    """Run CRASHING_HOST on `lent` and kill it with SIGKILL; what it reported it had set up."""
    host = subprocess.Popen(
        [sys.executable, "-c", CRASHING_HOST, str(lent)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert host.stdout is not None
        left: dict[str, Any] = json.loads(host.stdout.readline())
    finally:
        host.send_signal(signal.SIGKILL)
        host.wait(10)
    time.sleep(0.5)
    return left


def _processes_of(uid: int) -> list[int]:
    return slots._processes_of(uid)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts, cgroups and a uid per session need root")
def test_a_killed_host_leaves_nothing_after_the_next_start(
    redteam: Harness, tmp_path: Path
) -> None:
    lent = tmp_path / "lent"
    lent.mkdir()
    owner = (lent.stat().st_uid, lent.stat().st_gid)
    left = _crash(lent)
    # what a crash leaves: records, cgroups, mounts, a workspace still lent to the sandbox's uid
    assert all((Path(s) / slots.STATE_FILE).exists() for s in left["slots"])
    assert all(Path(c).exists() for c in left["cgroups"]) and left["cgroups"]
    assert all(_mounted(m) for m in left["mounts"]) and len(left["mounts"]) == 4  # 2 per slot
    assert (lent / "made" / "f").stat().st_uid == left["uids"][0] != 0

    assert slots.reclaim_stale() >= 2
    assert not any((Path(s) / slots.STATE_FILE).exists() for s in left["slots"])
    assert not any(Path(c).exists() for c in left["cgroups"])
    assert not any(_mounted(m) for m in left["mounts"])
    assert not Path(left["own"]).exists()
    for path in [lent, *lent.rglob("*")]:
        assert (path.stat().st_uid, path.stat().st_gid) == owner, f"{path} not handed back"
    for uid in left["uids"]:
        assert not _processes_of(uid)
    redteam.assert_other_intact()  # a live session's slot was not touched


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts and a uid per session need root")
def test_a_workspace_renamed_after_the_crash_is_still_unmounted_and_handed_back(
    tmp_path: Path,
) -> None:
    """The slot records paths; a folder moved since (pytest renames old temporary folders, a
    user tidies up) is found by its mount, not left mounted and owned by the sandbox's uid."""
    lent = tmp_path / "project" / "lent"
    lent.mkdir(parents=True)
    owner = (lent.stat().st_uid, lent.stat().st_gid)
    left = _crash(lent)
    (tmp_path / "project").rename(tmp_path / "moved away")  # a mount point's parent can move
    moved = tmp_path / "moved away" / "lent"
    assert _mounted(str(moved)) and (moved / "made").stat().st_uid == left["uids"][0]

    assert slots.reclaim_stale() >= 2
    assert not _mounted(str(moved)) and not any(_mounted(m) for m in left["mounts"])
    for path in [moved, *moved.rglob("*")]:
        assert (path.stat().st_uid, path.stat().st_gid) == owner, f"{path} not handed back"


def test_another_sessions_mount_over_a_stale_one_is_left_alone(tmp_path: Path) -> None:
    """A crashed session's workspace taken by a new session before the reclaim: the new
    session's bind is on top, and the reclaim must not unmount it."""
    if os.geteuid() != 0:
        pytest.skip("mounts need root")
    lent = tmp_path / "lent"
    lent.mkdir()
    _crash(lent)
    assert mounts.nosuid_bind(lent)  # the new session's bind, on top of the stale one
    newer = mounts.mount_key(lent)
    try:
        slots.reclaim_stale()
        assert mounts.mount_key(lent) == newer
    finally:
        while _mounted(str(lent)):
            subprocess.run(["umount", "-l", str(lent)], check=True)


def test_a_live_sessions_slot_is_never_reclaimed(redteam: Harness) -> None:
    other = redteam.other
    assert other.runtime_dir is not None
    record = other.runtime_dir / slots.STATE_FILE
    assert record.exists()
    for _ in range(3):
        slots.reclaim_stale()
    assert record.exists()
    redteam.assert_other_intact()


def test_a_squatted_state_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    squat = tmp_path / "state"
    squat.mkdir(mode=0o777)
    squat.chmod(0o777)  # world-writable: someone else could plant slots there
    monkeypatch.setenv("CODEACT_STATE_DIR", str(squat))
    with pytest.raises(Exception, match="must be a directory of uid"):
        slots.state_root()


@pytest.mark.parametrize(
    "record",
    [
        {
            "mounts": ["/nonexistent/w"],
            "mount_keys": {"/nonexistent/w": "54 0:69 1"},
        },  # older shape
        {"mounts": 5, "cgroups": None},  # garbage types
        {"unknown": "field"},
    ],
)
def test_a_stale_record_of_another_shape_never_stops_a_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: dict[str, Any]
) -> None:
    """/run/codeact outlives upgrades: a record written by another codeact version (or a corrupt
    one) is reclaimed as far as it can be, and the slot emptied; the start goes on."""
    root = tmp_path / "state"
    root.mkdir(mode=0o700)
    monkeypatch.setenv("CODEACT_STATE_DIR", str(root))
    (root / "7.lock").touch()
    (root / "7").mkdir(mode=0o700)
    (root / "7" / slots.STATE_FILE).write_text(json.dumps(record))
    assert slots.reclaim_stale() == 1
    assert not (root / "7" / slots.STATE_FILE).exists()
