"""The REST + SSE API against a real server on 127.0.0.1, real sandboxed kernels, the scripted LLM."""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from server_harness import (
    Server,
    code,
    new_conversation,
    of_type,
    read_events,
    running_server,
    test_config,
    turn,
)

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    config = test_config(tmp_path_factory.mktemp("api"), max_running_per_user=1, upload_bytes=MiB)
    with running_server(config, users=("alice", "bob")) as running:
        yield running


@pytest.fixture
def alice(server: Server) -> Iterator[httpx.Client]:
    with server.client("alice") as client:
        yield client


@pytest.fixture
def bob(server: Server) -> Iterator[httpx.Client]:
    with server.client("bob") as client:
        yield client


def test_a_conversation_with_code_output_and_an_image_then_a_follow_up_using_its_state(
    alice: httpx.Client,
) -> None:
    cid = new_conversation(alice)
    plot = "import matplotlib.pyplot as plt\nplt.plot(data)\nplt.show()"
    events = turn(alice, cid, code("data = [1, 4, 9]\nprint(sum(data))", plot))
    kinds = [e["data"].get("kind", e["type"]) for e in events]
    assert kinds[:2] == ["system", "token"]  # the prompt, then the model streams at once
    assert [k for k in kinds if k in ("task", "assistant")][:2] == ["task", "assistant"]
    assert [c["code"] for c in of_type(events, "code")] == [
        "data = [1, 4, 9]\nprint(sum(data))",
        plot,
    ]
    assert "14" in "".join(o["text"] for o in of_type(events, "output"))  # output as it comes
    first, second, _answer = of_type(events, "step")
    assert first["observation"]["output"].strip() == "14"
    assert second["observation"]["images"] == ["outputs/image_1.png"]
    assert of_type(events, "run") == [
        {"status": "finished", "answer": "[image saved to outputs/image_1.png]"}
    ]

    image = alice.get(f"/api/conversations/{cid}/files/outputs/image_1.png")
    assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
    assert image.headers["content-type"] == "image/png"

    follow_up = turn(alice, cid, code("print(sum(data) * 2)"))
    assert of_type(follow_up, "step")[0]["observation"]["output"].strip() == "28"
    trajectory = alice.get(f"/api/conversations/{cid}/trajectory").json()
    assert trajectory["format"] == "codeact.trajectory" and trajectory["status"] == "finished"
    assert len(trajectory["steps"]) == 5
    tasks = [
        m
        for m in trajectory["messages"]
        if m["role"] == "user" and not m["content"].startswith("Observation")
    ]
    assert len(tasks) == 2 and "print(sum(data) * 2)" in tasks[1]["content"]


def test_stop_interrupts_a_long_cell_and_the_conversation_goes_on(alice: httpx.Client) -> None:
    cid = new_conversation(alice)
    sent = alice.post(
        f"/api/conversations/{cid}/messages",
        json={"text": code("import time\nfor _ in range(600):\n    time.sleep(0.1)")},
    )
    events = read_events(alice, cid, after=sent.json()["event"]["id"], until="code")
    started = time.monotonic()
    assert alice.post(f"/api/conversations/{cid}/stop").json() == {"stopped": True}
    events = read_events(alice, cid, after=events[-1]["id"])
    assert time.monotonic() - started < 10
    assert of_type(events, "run")[-1]["status"] == "interrupted"
    assert of_type(events, "step")[-1]["observation"]["error"]["name"] == "KeyboardInterrupt"
    assert alice.post(f"/api/conversations/{cid}/stop").json() == {"stopped": False}
    after = turn(alice, cid, code("print('still here')"))
    assert of_type(after, "step")[0]["observation"]["output"].strip() == "still here"


def test_a_busy_conversation_gets_409_and_a_user_over_their_cap_gets_429(
    alice: httpx.Client,
) -> None:
    busy, other = new_conversation(alice), new_conversation(alice)
    sent = alice.post(
        f"/api/conversations/{busy}/messages", json={"text": code("import time\ntime.sleep(60)")}
    )
    read_events(alice, busy, after=sent.json()["event"]["id"], until="code")
    again = alice.post(f"/api/conversations/{busy}/messages", json={"text": "hello"})
    assert again.status_code == 409 and again.json()["error"]["type"] == "conflict"
    capped = alice.post(f"/api/conversations/{other}/messages", json={"text": "hello"})
    assert capped.status_code == 429 and int(capped.headers["retry-after"]) > 0
    assert "limit" in capped.json()["error"]["message"]
    alice.post(f"/api/conversations/{busy}/stop")
    read_events(alice, busy, after=sent.json()["event"]["id"])


def test_upload_then_use_a_file_and_download_what_the_code_wrote(alice: httpx.Client) -> None:
    cid = new_conversation(alice)
    turn(alice, cid, code("print('the kernel is up')"))  # uploads also land while it runs
    put = alice.put(f"/api/conversations/{cid}/files/data/table.csv", content=b"a,b\n1,2\n3,4\n")
    assert put.status_code == 201 and put.json() == {"path": "data/table.csv", "size": 12}
    events = turn(alice, cid, code(
        "import csv, os\nrows = list(csv.reader(open('data/table.csv')))\nprint(len(rows))",
        "os.makedirs('out', exist_ok=True)\nopen('out/result.txt', 'w').write(f'{len(rows)} rows')",
        "open('data/table.csv', 'a').write('5,6\\n')\nopen('data/more.csv', 'w').write('ok')\nprint('written')",
    ))  # fmt: skip
    steps = of_type(events, "step")
    assert steps[0]["observation"]["output"].strip() == "3"
    assert steps[2]["observation"]["output"].strip() == "written"  # it may change what was uploaded
    got = alice.get(f"/api/conversations/{cid}/files/out/result.txt")
    assert got.status_code == 200 and got.content == b"3 rows"
    assert got.headers["content-disposition"].startswith("attachment")
    listing = alice.get(f"/api/conversations/{cid}/files").json()["files"]
    assert {"path": "out/result.txt", "type": "file", "size": 6} in listing
    assert (
        alice.get(f"/api/conversations/{cid}/files/data/table.csv").content
        == b"a,b\n1,2\n3,4\n5,6\n"
    )


@pytest.mark.parametrize(
    "path",
    ["..%2F..%2Fetc%2Fcodeact-evil", "a/%2E%2E/%2E%2E/codeact-evil", "%2Fetc%2Fcodeact-evil"],
)
def test_path_traversal_is_refused(alice: httpx.Client, path: str) -> None:
    cid = new_conversation(alice)
    put = alice.put(f"/api/conversations/{cid}/files/{path}", content=b"x")
    assert put.status_code == 400 and "invalid path" in put.json()["error"]["message"]
    assert alice.get(f"/api/conversations/{cid}/files/{path}").status_code in (400, 404)
    assert not Path("/etc/codeact-evil").exists()


def test_oversized_uploads_are_refused(alice: httpx.Client) -> None:
    cid = new_conversation(alice)
    big = alice.put(f"/api/conversations/{cid}/files/big.bin", content=b"x" * (MiB + 1))
    assert big.status_code == 413 and big.json()["error"]["type"] == "too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"y" * (MiB // 8)

    streamed = alice.put(f"/api/conversations/{cid}/files/big2.bin", content=chunks())
    assert streamed.status_code == 413
    assert alice.get(f"/api/conversations/{cid}/files").json()["files"] == []


def test_links_and_fifos_planted_by_the_sandbox_are_refused_from_the_host(
    alice: httpx.Client,
) -> None:
    cid = new_conversation(alice)
    passwd = hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest()
    turn(alice, cid, code(
        "import os\nos.symlink('/etc/passwd', 'link.txt')\nos.symlink('/etc', 'etc')\n"
        "os.mkfifo('pipe')\nos.makedirs('d')\nos.symlink('/etc/passwd', 'd/inner')\nprint('planted')"
    ))  # fmt: skip
    kinds = {
        f["path"]: f["type"] for f in alice.get(f"/api/conversations/{cid}/files").json()["files"]
    }
    assert kinds == {
        "link.txt": "symlink",
        "etc": "symlink",
        "pipe": "other",
        "d": "directory",
        "d/inner": "symlink",
    }
    started = time.monotonic()
    for path in ("link.txt", "etc/passwd", "pipe", "d/inner"):
        refused = alice.get(f"/api/conversations/{cid}/files/{path}")
        assert refused.status_code == 400, (path, refused.text)
    assert time.monotonic() - started < 5  # the FIFO did not block the host
    assert (
        alice.put(f"/api/conversations/{cid}/files/etc/codeact-evil", content=b"x").status_code
        == 400
    )
    # writing over a planted link or FIFO replaces the entry itself, never what it points to
    for path in ("link.txt", "pipe", "d/inner"):
        assert (
            alice.put(f"/api/conversations/{cid}/files/{path}", content=b"mine").status_code == 201
        )
        assert alice.get(f"/api/conversations/{cid}/files/{path}").content == b"mine"
    assert hashlib.sha256(Path("/etc/passwd").read_bytes()).hexdigest() == passwd
    assert not Path("/etc/codeact-evil").exists()


def test_users_cannot_reach_each_others_conversations(
    alice: httpx.Client, bob: httpx.Client
) -> None:
    cid = new_conversation(alice, "alice's")
    turn(alice, cid, code("secret = 'alice-only'"))
    alice.put(f"/api/conversations/{cid}/files/notes.txt", content=b"private")
    base = f"/api/conversations/{cid}"
    attempts = [
        ("GET", base, None), ("PATCH", base, {"title": "mine"}), ("DELETE", base, None),
        ("POST", f"{base}/messages", {"text": "print(secret)"}), ("POST", f"{base}/stop", None),
        ("GET", f"{base}/stream", None), ("GET", f"{base}/events", None), ("GET", f"{base}/trajectory", None),
        ("GET", f"{base}/notebook", None), ("GET", f"{base}/files", None), ("GET", f"{base}/files/notes.txt", None),
    ]  # fmt: skip
    for method, url, body in attempts:
        response = bob.request(method, url, json=body)
        assert response.status_code == 404, (method, url, response.status_code)
        assert response.json()["error"]["message"] == f"no conversation {cid!r}"
    assert bob.put(f"{base}/files/notes.txt", content=b"overwritten").status_code == 404
    assert cid not in [c["id"] for c in bob.get("/api/conversations").json()["conversations"]]
    assert alice.get(f"{base}/files/notes.txt").content == b"private"
    assert alice.get(base).json()["title"] == "alice's"


def test_requests_without_a_valid_token_get_401(server: Server) -> None:
    with httpx.Client(base_url=server.url) as anonymous:
        response = anonymous.get("/api/conversations")
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        assert "token" in response.json()["error"]["message"]
        forged = anonymous.get("/api/conversations", headers={"Authorization": "Bearer ca_forged"})
        assert forged.status_code == 401
        assert anonymous.get("/api/health").json()["status"] == "ok"


def test_malformed_json_unknown_ids_and_bad_fields_get_clear_4xx(alice: httpx.Client) -> None:
    cid = new_conversation(alice)
    malformed = alice.post(
        f"/api/conversations/{cid}/messages",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert malformed.status_code == 400 and malformed.json()["error"]["message"].startswith(
        "malformed JSON"
    )
    missing = alice.post(f"/api/conversations/{cid}/messages", json={"txt": "hi"})
    assert missing.status_code == 422 and "text" in missing.json()["error"]["message"]
    for text in ("", "  \n "):
        empty = alice.post(f"/api/conversations/{cid}/messages", json={"text": text})
        assert empty.status_code == 422, text
    unknown = alice.post(
        "/api/conversations/c_000000000000000000000000/messages", json={"text": "hi"}
    )
    assert unknown.status_code == 404 and unknown.json()["error"]["type"] == "not_found"
    assert alice.get("/api/no-such-route").status_code == 404
    bad_resume = alice.get(f"/api/conversations/{cid}/stream", headers={"Last-Event-ID": "abc"})
    assert bad_resume.status_code == 400
    assert alice.get(f"/api/conversations/{cid}/files/nothing-here").status_code == 404


def test_the_stream_resumes_after_the_last_event_id(alice: httpx.Client) -> None:
    cid = new_conversation(alice)
    events = turn(alice, cid, code("print(1)", "print(2)"))
    persisted = [e for e in events if "id" in e]
    middle = persisted[len(persisted) // 2]["id"]
    with alice.stream(
        "GET", f"/api/conversations/{cid}/stream", headers={"Last-Event-ID": str(middle)}
    ) as response:
        ids = []
        for line in response.iter_lines():
            if line.startswith("id:"):
                ids.append(int(line[3:]))
            if line.startswith("event: run"):
                break
    assert ids[0] > middle and ids == sorted(ids)
    assert ids[-1] == persisted[-1]["id"]


def test_rename_list_and_delete(alice: httpx.Client, server: Server) -> None:
    first, second = new_conversation(alice, "one"), new_conversation(alice, "two")
    alice.put(f"/api/conversations/{first}/files/x.txt", content=b"x")
    workspaces_before = set((server.config.workspaces).iterdir())
    renamed = alice.patch(f"/api/conversations/{first}", json={"title": "renamed"})
    assert renamed.status_code == 200 and renamed.json()["title"] == "renamed"
    listed = [c["id"] for c in alice.get("/api/conversations").json()["conversations"]]
    assert listed.index(first) < listed.index(second)  # most recently updated first
    assert alice.delete(f"/api/conversations/{first}").status_code == 204
    assert alice.get(f"/api/conversations/{first}").status_code == 404
    assert len(set(server.config.workspaces.iterdir())) == len(workspaces_before) - 1
    assert alice.patch(f"/api/conversations/{first}", json={"title": ""}).status_code in (404, 422)


def test_a_conversation_exports_as_a_notebook_with_its_images(alice: httpx.Client) -> None:
    import nbformat

    cid = new_conversation(alice)
    turn(
        alice,
        cid,
        code("import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.show()\nprint('drawn')"),
    )
    response = alice.get(f"/api/conversations/{cid}/notebook")
    assert (
        response.status_code == 200
        and response.headers["content-type"] == "application/x-ipynb+json"
    )
    notebook = nbformat.reads(response.text, as_version=4)
    nbformat.validate(notebook)
    [cell] = [c for c in notebook.cells if c.cell_type == "code"]
    assert cell.outputs[0].text.strip() == "drawn"
    assert cell.outputs[1].data["image/png"]
    assert notebook.metadata["codeact"]["conversation"] == cid


def test_a_stream_ends_when_its_conversation_is_deleted(
    alice: httpx.Client, server: Server
) -> None:
    import threading

    cid = new_conversation(alice)
    ended = threading.Event()

    def listen() -> None:
        with server.client("alice") as other, contextlib.suppress(AssertionError):
            read_events(other, cid, until="run", timeout=30)
        ended.set()

    threading.Thread(target=listen, daemon=True).start()
    time.sleep(0.5)
    assert alice.delete(f"/api/conversations/{cid}").status_code == 204
    assert ended.wait(10), "the stream of a deleted conversation stayed open"


def test_live_output_of_a_flooding_cell_is_capped(alice: httpx.Client) -> None:
    """Sandboxed code can print without end: the live stream stops at a cap, the step keeps
    head and tail."""
    cid = new_conversation(alice)
    events = turn(alice, cid, code("print('x' * 5_000_000)\nprint('END')"))
    streamed = "".join(o["text"] for o in of_type(events, "output"))
    assert 100_000 <= len(streamed) < 101_000 and "more output" in streamed
    step = of_type(events, "step")[0]
    assert step["observation"]["output"].rstrip().endswith("END")
