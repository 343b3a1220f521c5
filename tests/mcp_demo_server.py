"""A real MCP server written with the official SDK, for the tests: `python mcp_demo_server.py`
speaks stdio; `python mcp_demo_server.py PORT` serves streamable HTTP on 127.0.0.1:PORT/mcp.

Its tools cover what a client must handle: typed arguments with a default, a structured result,
a tool error, text with terminal escapes, an image, a name that is not an identifier and one that
shadows a builtin, an oversized result, a hang, and a crash. `secret_fingerprint` uses a secret
from the server's own environment (MCP_DEMO_SECRET) without ever returning it."""

from __future__ import annotations

import hashlib
import os
import sys
import time
from typing import Annotated, TypedDict

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.utilities.types import Image
from pydantic import Field

app = MCPServer("codeact-demo")


class Stats(TypedDict):
    n: int
    mean: float
    total: float


@app.tool()
def add(a: int, b: int = 1) -> int:
    """Add two integers."""
    return a + b


@app.tool()
def stats(values: list[float]) -> Stats:
    """Count, mean and total of some numbers."""
    if not values:
        raise ToolError("stats needs at least one value")
    return {"n": len(values), "mean": sum(values) / len(values), "total": sum(values)}


@app.tool()
def greet(name: Annotated[str, Field(description="who \x1b[2Jto greet")]) -> str:
    """A greeting, in red on a terminal."""
    return f"hello \x1b[31m{name}\x1b[0m\x1b]52;c;cHduZWQ=\x07!"


@app.tool()
def picture() -> Image:
    """A tiny PNG."""
    return Image(data=b"\x89PNG\r\n\x1a\nfake", format="png")


@app.tool(name="search-docs")
def search_docs(query: str, limit: int = 3) -> list[str]:
    """Search the documentation."""
    return [f"{query} {i}" for i in range(limit)]


@app.tool(name="open")
def open_(path: str) -> str:
    """Open a document by path."""
    return f"opened {path}"


@app.tool()
def huge() -> str:
    """Far too much text."""
    return "x" * (3 * 1024 * 1024)


@app.tool()
def nap(seconds: float) -> str:
    """Sleep, then say so."""
    time.sleep(seconds)
    return "awake"


@app.tool()
def crash() -> str:
    """The server process dies."""
    os._exit(3)


@app.tool()
def secret_fingerprint() -> str:
    """Whether the server holds its secret, and a short hash of it (never the secret)."""
    secret = os.environ.get("MCP_DEMO_SECRET", "")
    return f"{bool(secret)}:{hashlib.sha256(secret.encode()).hexdigest()[:8]}"


if __name__ == "__main__":
    if len(sys.argv) > 1:
        app.run("streamable-http", host="127.0.0.1", port=int(sys.argv[1]))
    else:
        app.run()
