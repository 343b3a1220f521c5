"""Shared fixtures: a real kernel and the scripted LLM."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from codeact.kernels.jupyter import JupyterKernel


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[JupyterKernel]:
    """A real local Jupyter kernel with short timeouts, in a fresh working directory."""
    with JupyterKernel(tmp_path / "work", timeout=10, interrupt_grace=1.5) as k:
        yield k


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def model_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real OpenAI-compatible server on 127.0.0.1: llama-cpp-python's, serving the bundled model.
    Its chat format is ChatML (SmolLM2's own) with native function calling, so the `tools` format
    runs against it too.

    Yields its base URL (".../v1")."""
    pytest.importorskip("llama_cpp.server", reason="needs llama-cpp-python[server]")
    from codeact.llms.local import embedded_model_path

    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(embedded_model_path()),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
        "--chat_format",
        "chatml-function-calling",
    ]
    log = tmp_path_factory.mktemp("model-server") / "server.log"
    # a log file, not a pipe: the server is chatty and a full pipe would block it
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"model server exited: {log.read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"{url}/models", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("model server did not start within 60 s")
    yield url
    proc.terminate()
    proc.wait(timeout=10)
