"""Persistence, on SQLite and on a real PostgreSQL server: restarts, shutdown, culling, tokens."""

from __future__ import annotations

import time
from pathlib import Path

import sqlalchemy as sa
from server_harness import code, of_type, read_events, running_server, test_config, turn

from codeact.server.store import Store


def test_a_restarted_server_has_every_conversation_and_goes_on_with_it(
    tmp_path: Path, db_url: str
) -> None:
    config = test_config(tmp_path, db_url)
    with running_server(config) as server, server.client() as client:
        cid = client.post("/api/conversations", json={"title": "before"}).json()["id"]
        turn(client, cid, code("x = 41\nopen('kept.txt', 'w').write('on disk')"))
        turn(client, cid, "just talking")
        before = client.get(f"/api/conversations/{cid}/events").json()["events"]
        trajectory = client.get(f"/api/conversations/{cid}/trajectory").json()
    with running_server(test_config(tmp_path, db_url)) as server, server.client() as client:
        listed = client.get("/api/conversations").json()["conversations"]
        assert [(c["id"], c["title"], c["live"]) for c in listed] == [(cid, "before", False)]
        assert client.get(f"/api/conversations/{cid}/events").json()["events"] == before
        assert client.get(f"/api/conversations/{cid}/trajectory").json() == trajectory
        events = turn(client, cid, code("print(open('kept.txt').read())", "print(x)"))
        [notice] = of_type(events, "notice")
        assert "kernel was restarted since your last turn (the server restarted)" in notice["text"]
        task = next(m for m in of_type(events, "message") if m["kind"] == "task")
        assert task["content"].startswith(f"[{notice['text']}]")  # the model is told, too
        files, lost = of_type(events, "step")[:2]
        assert files["observation"]["output"].strip() == "on disk"
        assert lost["observation"]["error"]["name"] == "NameError"


def test_a_graceful_shutdown_lets_the_running_turn_finish(tmp_path: Path, db_url: str) -> None:
    with running_server(test_config(tmp_path, db_url)) as server, server.client() as client:
        cid = client.post("/api/conversations", json={}).json()["id"]
        sent = client.post(
            f"/api/conversations/{cid}/messages",
            json={"text": code("import time\ntime.sleep(1.5)\nprint('done')")},
        )
        read_events(client, cid, after=sent.json()["event"]["id"], until="code")
    # the server has stopped; the turn it was running finished first
    with running_server(test_config(tmp_path, db_url)) as server, server.client() as client:
        events = client.get(f"/api/conversations/{cid}/events").json()["events"]
        runs = [e["data"] for e in events if e["type"] == "run"]
        assert runs == [{"status": "finished", "answer": "done"}]
        assert client.get(f"/api/conversations/{cid}").json()["status"] == "idle"


def test_opt_in_replay_rebuilds_the_state_after_a_restart(tmp_path: Path, db_url: str) -> None:
    config = test_config(tmp_path, db_url)
    config.replay = True
    with running_server(config) as server, server.client() as client:
        cid = client.post("/api/conversations", json={}).json()["id"]
        turn(client, cid, code("x = 41", "x += 1", "raise ValueError('not replayed')"))
    config = test_config(tmp_path, db_url)
    config.replay = True
    with running_server(config) as server, server.client() as client:
        events = turn(client, cid, code("print(x)"))
        assert (
            "rebuilt by replaying the 2 earlier successful cells"
            in of_type(events, "notice")[0]["text"]
        )
        assert of_type(events, "step")[0]["observation"]["output"].strip() == "42"


def test_an_idle_kernel_is_culled_and_the_model_is_told(tmp_path: Path, db_url: str) -> None:
    config = test_config(tmp_path, db_url, idle_timeout=0.5)
    with running_server(config) as server, server.client() as client:
        cid = client.post("/api/conversations", json={}).json()["id"]
        turn(client, cid, code("y = 1"))
        deadline = time.monotonic() + 15
        while client.get(f"/api/conversations/{cid}").json()["live"]:
            assert time.monotonic() < deadline, "the idle kernel was not culled"
            time.sleep(0.2)
        events = turn(client, cid, code("print(y)"))
        assert "it was idle for more than 0.5 s" in of_type(events, "notice")[0]["text"]
        assert of_type(events, "step")[0]["observation"]["error"]["name"] == "NameError"


def test_tokens_are_stored_hashed_and_migrations_are_idempotent(db_url: str) -> None:
    store = Store(db_url)
    token = store.create_token("carol")
    again = store.create_token("carol")
    assert store.user_for_token(token) == store.user_for_token(again) != None  # noqa: E711
    assert store.user_for_token(token + "x") is None
    with store.engine.connect() as connection:
        stored = [row[0] for row in connection.execute(sa.text("SELECT digest FROM tokens"))]
        version = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    assert len(stored) == 2 and token not in stored and all(len(d) == 64 for d in stored)
    assert version == "0001"
    store.close()
    reopened = Store(db_url)  # migrating an up-to-date database changes nothing
    assert reopened.user_for_token(token) is not None
    reopened.close()
