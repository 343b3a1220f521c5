"""Concurrent appends to the SQLite event log share commits, lose nothing, keep each writer's
order, and a bad write fails only its own writer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from codeact.server.store import Store

WRITERS = 12


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'db.sqlite'}")


def _commits(store: Store) -> list[int]:
    counted = [0]

    @sa.event.listens_for(store.engine, "commit")
    def count(_connection: object) -> None:
        counted[0] += 1

    return counted


def _start(
    store: Store, conversations: list[str], results: dict[str, object]
) -> list[threading.Thread]:
    def write(conversation: str) -> None:
        try:
            for n in range(3):
                store.append(conversation, [("notice", {"text": f"{conversation} {n}"})])
            results[conversation] = "ok"
        except Exception as exc:
            results[conversation] = exc

    threads = [threading.Thread(target=write, args=(c,)) for c in conversations]
    for thread in threads:
        thread.start()
    return threads


def test_waiting_writers_share_one_commit_and_each_keeps_its_order(store: Store) -> None:
    ids = [store.create_conversation("u", f"c{i}", f"/w/{i}", {}).id for i in range(WRITERS)]
    commits = _commits(store)
    results: dict[str, object] = {}
    assert store._group is not None
    with store._group.lock:  # every writer queues behind a held lock, as under load
        threads = _start(store, ids, results)
        while len(store._group._queued) < WRITERS:
            threading.Event().wait(0.01)
    for thread in threads:
        thread.join(10)
    assert results == {c: "ok" for c in ids}
    # the first commit took all 12 queued first writes; alone, 12 writers would make 36 commits
    assert commits[0] < 3 * WRITERS - WRITERS // 2, commits[0]
    for conversation in ids:
        texts = [e.data["text"] for e in store.events(conversation)]
        assert texts == [f"{conversation} {n}" for n in range(3)]


def test_a_write_that_fails_in_a_shared_commit_fails_only_its_writer(store: Store) -> None:
    ids = [store.create_conversation("u", f"c{i}", f"/w/{i}", {}).id for i in range(4)]
    results: dict[str, object] = {}
    assert store._group is not None
    with store._group.lock:
        threads = _start(store, [*ids, "no-such-conversation"], results)
        while len(store._group._queued) < 5:
            threading.Event().wait(0.01)
    for thread in threads:
        thread.join(10)
    assert isinstance(results.pop("no-such-conversation"), sa.exc.IntegrityError)
    assert results == {c: "ok" for c in ids}
    assert all(len(store.events(c)) == 3 for c in ids)
