"""`kill -9` of a `codeact serve` process in the middle of a turn loses no acknowledged message."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx2 as httpx
from server_harness import ServerProcess, code, of_type, read_events, turn


def test_kill_9_mid_turn_loses_nothing_acknowledged(
    server_process: Callable[..., ServerProcess], db_url: str
) -> None:
    server = server_process("--db", db_url)
    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        cid = client.post("/api/conversations", json={"title": "crash"}).json()["id"]
        turn(client, cid, code("x = 41"))
        acked = []
        long_cell = code("import time\ntime.sleep(120)")
        sent = client.post(f"/api/conversations/{cid}/messages", json={"text": long_cell})
        acked.append(sent.json()["event"])
        seen = read_events(client, cid, after=sent.json()["event"]["id"], until="code")
    server.kill()  # in the middle of the long cell
    assert _no_kernels_left(server.data_dir / "workspaces")  # they died with the server

    server.start()
    with httpx.Client(base_url=server.url, timeout=30) as client:
        listed = client.get("/api/conversations").json()["conversations"]
        assert [(c["id"], c["status"]) for c in listed] == [(cid, "idle")]
        events = client.get(f"/api/conversations/{cid}/events").json()["events"]
        ids = {e["id"] for e in events}
        assert all(e["id"] in ids for e in acked + seen if "id" in e)  # every acknowledged event
        inputs = [e["data"]["text"] for e in events if e["type"] == "input"]
        assert inputs == [code("x = 41"), long_cell]
        cut = [e["data"] for e in events if e["type"] == "run"][-1]
        assert cut["status"] == "interrupted" and cut["reason"] == "server restarted"

        after = turn(client, cid, code("print(x)"))
        notice = of_type(after, "notice")[0]["text"]
        assert "kernel was restarted since your last turn (the server restarted)" in notice
        assert "variables" in notice
        assert of_type(after, "step")[0]["observation"]["error"]["name"] == "NameError"
        again = turn(client, cid, code("x = 1\nprint(x + 1)"))  # usable again
        assert of_type(again, "step")[0]["observation"]["output"].strip() == "2"
        assert of_type(again, "notice") == []
    server.stop()


def test_the_server_refuses_to_listen_beyond_loopback_without_auth(
    server_process: Callable[..., ServerProcess],
) -> None:
    server = server_process("--host", "0.0.0.0")
    try:
        server.start()
    except RuntimeError as exc:
        assert "refusing to listen on 0.0.0.0 without auth" in str(exc)
        assert "--allow-no-auth" in str(exc)
    else:
        raise AssertionError("the server started on 0.0.0.0 without auth")


def _no_kernels_left(workspaces: Path, wait: float = 10.0) -> bool:
    """No process still has one of these workspaces on its command line (bwrap binds them)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        alive = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if str(workspaces).encode() in cmdline.read_bytes():
                    alive.append(cmdline)
            except OSError:
                continue
        if not alive:
            return True
        time.sleep(0.2)
    return False
