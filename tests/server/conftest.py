"""Fixtures for the server: `codeact serve` as a process, a real PostgreSQL server."""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from server_harness import SCRIPTED, ServerProcess, _free_port


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    made: list[ServerProcess] = []

    def make(*args: str) -> ServerProcess:
        made.append(ServerProcess(["--llm", SCRIPTED, "--pool-size", "1", *args], tmp_path))
        return made[-1]

    yield make
    for process in made:
        process.stop()


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name) or sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found if isinstance(found, str) else (found[-1] if found else None)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A real PostgreSQL server on 127.0.0.1 for this test session; yields its base URL."""
    initdb, postgres_bin = _pg_bin("initdb"), _pg_bin("postgres")
    if initdb is None or postgres_bin is None:
        pytest.skip(
            "PostgreSQL is not installed (scripts/setup.sh installs it with apt when run as root)"
        )
    # postgres refuses to run as root: as root, run it as the `postgres` system user
    user = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="codeact-pg-"))
    if user:
        shutil.chown(base, user)
    data = base / "data"
    run_as: dict[str, Any] = {"user": user} if user else {}
    subprocess.run(
        [initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"],
        check=True, capture_output=True, **run_as,
    )  # fmt: skip
    port = _free_port()
    options = [
        "-c",
        "fsync=off",
        "-c",
        "full_page_writes=off",
        "-k",
        str(base),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    log = (base / "postgres.log").open("wb")
    proc = subprocess.Popen(
        [postgres_bin, "-D", str(data), *options], stdout=log, stderr=subprocess.STDOUT, **run_as
    )
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    try:
        _wait_for_postgres(url, proc, base)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)  # fast shutdown
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


def _wait_for_postgres(url: str, proc: subprocess.Popen[bytes], base: Path) -> None:
    import psycopg

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"postgres exited: {(base / 'postgres.log').read_text()[-2000:]}")
        try:
            psycopg.connect(url.replace("+psycopg", "") + "/postgres", connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.2)
    raise RuntimeError("postgres did not start within 60 s")


@pytest.fixture
def postgres_db(postgres: str) -> str:
    """A fresh, empty database on the test PostgreSQL server; yields its SQLAlchemy URL."""
    import psycopg

    name = f"t_{secrets.token_hex(6)}"
    with psycopg.connect(postgres.replace("+psycopg", "") + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{postgres}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each persistence test runs on SQLite and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'codeact.db'}"
    url: str = request.getfixturevalue("postgres_db")
    return url
