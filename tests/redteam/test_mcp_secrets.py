"""An MCP server's secrets stay on the host: the server runs there, with its own environment, and
the sandbox reaches its tools only through the bridge. Whatever the code inside looks at (its
environment, every process it can see, the tool stubs, the heap), the server's secret is absent,
while the server itself demonstrably holds it."""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from redteam_harness import CLEAN, TOKEN_PREFIX, Harness, new_token, start_kernel

pytest.importorskip("mcp", reason="needs the mcp extra")

from codeact.kernels.sandbox import SandboxKernel
from codeact.tools.mcp import MCPServer

SECRET = new_token()
DEMO = str(Path(__file__).parent.parent / "mcp_demo_server.py")


@pytest.fixture(scope="module")
def bridged(redteam: Harness, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxKernel]:
    env = {**os.environ, "MCP_DEMO_SECRET": SECRET}
    with MCPServer([sys.executable, DEMO], env=env, timeout=10) as server:
        kernel = start_kernel(tmp_path_factory.mktemp("mcp-bridge"))
        kernel.register_tools(server.tools())
        yield kernel
        kernel.shutdown()


HUNTS = {
    "environment": "import os\nreport(repr(dict(os.environ)))",
    "every-visible-process": (
        "import os\nfound = ''\n"
        "for pid in filter(str.isdigit, os.listdir('/proc')):\n"
        "    for part in ('environ', 'cmdline'):\n"
        "        try:\n"
        "            found += open(f'/proc/{pid}/{part}', 'rb').read().decode('latin-1')\n"
        "        except OSError:\n"
        "            pass\n"
        "report(found)"
    ),
    "stubs-help-and-heap": (
        "import gc, io, contextlib\nbuf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf):\n"
        "    help(secret_fingerprint); help(add)\n"
        "report(buf.getvalue() + repr(globals()) + ''.join(repr(o)[:2000] for o in gc.get_objects() if isinstance(o, (str, dict, tuple))))"
    ),
    "every-tool-result": "report(secret_fingerprint() + repr(add(1)) + repr(stats([1.0])))",
}


@pytest.mark.parametrize("name", HUNTS)
def test_the_servers_secret_never_reaches_the_kernel(
    redteam: Harness, bridged: SandboxKernel, name: str
) -> None:
    obs = redteam.attack(bridged, HUNTS[name], CLEAN)
    assert SECRET[len(TOKEN_PREFIX) :] not in obs.output + str(obs)


def test_the_server_does_hold_the_secret(bridged: SandboxKernel) -> None:
    digest = hashlib.sha256(SECRET.encode()).hexdigest()[:8]
    assert str(bridged.execute("secret_fingerprint()")) == repr(f"True:{digest}")
