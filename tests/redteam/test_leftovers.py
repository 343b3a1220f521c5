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

import pytest
from redteam_harness import Harness

from codeact.kernels import slots

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
    return any(
        line.split()[4] == path for line in Path("/proc/self/mountinfo").read_text().splitlines()
    )


def _processes_of(uid: int) -> list[int]:
    return slots._processes_of(uid)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts, cgroups and a uid per session need root")
def test_a_killed_host_leaves_nothing_after_the_next_start(
    redteam: Harness, tmp_path: Path
) -> None:
    lent = tmp_path / "lent"
    lent.mkdir()
    owner = (lent.stat().st_uid, lent.stat().st_gid)
    host = subprocess.Popen(
        [sys.executable, "-c", CRASHING_HOST, str(lent)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert host.stdout is not None
        left = json.loads(host.stdout.readline())
    finally:
        host.send_signal(signal.SIGKILL)
        host.wait(10)
    time.sleep(0.5)
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
