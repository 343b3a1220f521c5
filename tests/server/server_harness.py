"""Helpers for the server tests: a real server on 127.0.0.1 (in a thread, or as a process), and
functions that speak the API over HTTP and read its SSE stream."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2 as httpx
import uvicorn

from codeact.contracts import LLM
from codeact.llms.scripted import ScriptedLLM, runs_task_code
from codeact.server.app import create_app
from codeact.server.config import Limits, ServerConfig

SCRIPTED = "scripted:codeact.llms.scripted:runs_task_code"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def code(*blocks: str, text: str = "Please run this.") -> str:
    """A task for the `runs_task_code` scripted model: it runs each block, one per turn."""
    return text + "".join(f"\n```python\n{b}\n```" for b in blocks)


@dataclass
class Server:
    url: str
    config: ServerConfig
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, user: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)


def read_events(
    client: httpx.Client,
    cid: str,
    after: int = 0,
    until: str = "run",
    timeout: float = 60,
    view: str = "raw",
) -> list[dict[str, Any]]:
    """Read the SSE stream from `after` until an event of type `until`; returns the events."""
    events: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    params: dict[str, Any] = {"after": after, "view": view}
    with client.stream(
        "GET", f"/api/conversations/{cid}/stream", params=params, timeout=timeout
    ) as response:
        assert response.status_code == 200, response.read()
        current: dict[str, Any] = {}
        for line in response.iter_lines():
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {until!r} event within {timeout} s: {events}")
            if line.startswith(":"):
                continue
            if not line:
                if "type" in current:
                    events.append(current)
                    if current["type"] == until:
                        return events
                current = {}
                continue
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                current["type"] = value
            elif name == "id":
                current["id"] = int(value)
            elif name == "data":
                current["data"] = json.loads(value)
    raise AssertionError(f"the stream ended before a {until!r} event: {events}")


def turn(client: httpx.Client, cid: str, text: str, timeout: float = 60) -> list[dict[str, Any]]:
    """Send a message and read the turn's events up to its `run` event."""
    response = client.post(f"/api/conversations/{cid}/messages", json={"text": text})
    assert response.status_code == 202, response.text
    return read_events(client, cid, after=response.json()["event"]["id"], timeout=timeout)


def new_conversation(client: httpx.Client, title: str = "test") -> str:
    response = client.post("/api/conversations", json={"title": title})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e["data"] for e in events if e["type"] == kind]


@contextlib.contextmanager
def running_server(
    config: ServerConfig,
    users: tuple[str, ...] = (),
    llm: LLM | None = None,
    choices: dict[str, LLM] | None = None,
) -> Iterator[Server]:
    """The app served by uvicorn in a thread on 127.0.0.1, with a token per user (the scripted
    `runs_task_code` model unless `llm` is given; `choices` are the other models offered)."""
    config.port = _free_port()
    if users:
        from codeact.server.store import Store

        store = Store(config.db_url)
        tokens = {user: store.create_token(user) for user in users}
        store.close()
    else:
        tokens = {}
    app = create_app(config, llm=llm or ScriptedLLM(runs_task_code), choices=choices)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=config.port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield Server(f"http://127.0.0.1:{config.port}", config, tokens)
    finally:
        server.should_exit = True
        thread.join(timeout=60)


def test_config(data_dir: Path, db: str | None = None, **limits: Any) -> ServerConfig:
    return ServerConfig(
        llm="scripted", data_dir=data_dir, db=db, pool_size=1,
        limits=Limits(**{"exec_timeout": 30, "idle_timeout": 600, **limits}),
    )  # fmt: skip


test_config.__test__ = False  # type: ignore[attr-defined]


@dataclass
class ServerProcess:
    """`codeact serve` as a process of its own (for kill -9)."""

    args: list[str]
    data_dir: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "codeact",
            "serve",
            "--port",
            str(self.port),
            "--data-dir",
            str(self.data_dir),
            *self.args,
        ]
        log = (self.data_dir / "server.log").open("ab")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"the server exited: {(self.data_dir / 'server.log').read_text()[-3000:]}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/api/health", timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError("the server did not answer within 60 s")

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
