"""MCP servers as tools, through the official `mcp` SDK (`pip install 'codeact[mcp]'`).

    with MCPServer("npx -y @modelcontextprotocol/server-everything") as server:
        Agent(llm, tools=server.tools()).run("...")
    Agent(llm, tools=[MCPServer("http://127.0.0.1:8000/mcp")])  # started and stopped with the agent

A target is a command line (started as a subprocess, spoken to over stdio) or an `http(s)://`
URL (streamable HTTP). Each tool of the server becomes a `SchemaTool`: a Python signature and a
docstring built from its input schema, arguments validated on the host, callable from code (through
the kernel's bridge) and from the JSON, text and tools formats. The tools run on the host: the
server's process, its environment and its credentials never enter the sandbox.

What a server sends is untrusted: names, descriptions and results are cut to size and their
control characters neutralized (codeact.cli.terminal.printable) before the model, the kernel or
the terminal sees them. A result becomes a Python value: the structured content when there is one
(the SDK's `{"result": ...}` wrapper removed), else the text, else a list of the content blocks
(text as str; an image or audio as `{"type", "mime_type", "data"}` with base64 data; a resource
as its text or blob). A result the server flags as an error raises `MCPToolError` (a `ToolError`
in the code). A server that exits, hangs past `timeout`, or cannot be reached raises
`MCPServerError` on the call, with the tail of its stderr; nothing waits on it forever.

`prefix` goes before every tool's name. A tool name that is not a Python identifier has its other characters replaced by `_`; one that
would shadow a Python builtin or keyword gets a `_tool` suffix (`open` becomes `open_tool`). A tool
whose schema codeact cannot express (a parameter that is not an identifier) is skipped and listed
in `skipped`.
"""

from __future__ import annotations

import asyncio
import base64
import builtins
import contextlib
import importlib
import json
import keyword
import logging
import os
import re
import shlex
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from codeact.cli.terminal import printable
from codeact.errors import CodeActError, ConfigError, MissingDependency
from codeact.tools.schema import SchemaTool, schema_tool
from codeact.tools.values import MAX_DEPTH

log = logging.getLogger(__name__)

MAX_DESCRIPTION = 4000  # characters of a tool's description the model is shown
MAX_RESULT_BYTES = 1024 * 1024  # a result's JSON size, beyond which it is refused
MAX_TOOLS = 256
MAX_SCHEMA_BYTES = 64 * 1024  # a tool's input schema as JSON, beyond which the tool is skipped
_STDERR_TAIL = 600
_NOT_IDENT = re.compile(r"[^A-Za-z0-9_]")  # ASCII only: Python folds other letters (NFKC)


class MCPServerError(CodeActError):
    """The MCP server could not be started, exited, or did not answer in time."""


class MCPToolError(RuntimeError):
    """The MCP server ran the tool and reported an error; the message is the server's."""


class MCPServer:
    """One MCP server: started by `start()` (or `with`, or the Agent that is given it), its tools
    from `tools()`, stopped by `close()`. Calls are synchronous and bounded by `timeout`."""

    def __init__(
        self,
        target: str | Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | Path | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 60.0,
        startup_timeout: float = 30.0,
        prefix: str = "",
    ) -> None:
        try:
            import mcp  # noqa: F401
        except ImportError as exc:
            raise MissingDependency("mcp", "mcp", "MCP servers as tools") from exc
        self.argv, self.url = _target(target)
        # the name errors show, in the kernel and the prompt too: never a URL's path, query or
        # credentials, never a command's arguments (either may hold a token)
        self.name = _url_label(self.url) if self.url else Path(self.argv[0]).name
        self.env = dict(os.environ if env is None else env)
        self.cwd, self.headers = cwd, dict(headers or {})
        self.timeout, self.startup_timeout = timeout, startup_timeout
        self.prefix = prefix  # put before every tool's name (two servers may share names)
        self.skipped: list[str] = []  # "name: why" for tools that could not be offered
        self._tools: list[SchemaTool] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None
        self._client: Any = None
        self._failure: str | None = None  # why the connection ended, once it has
        self._errlog: TextIO | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> MCPServer:
        """Connect (start the process, or reach the URL) and list the tools; idempotent."""
        if self._thread is not None:
            return self
        # the server's stderr, kept for the errors (closed by close())
        self._errlog = tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")  # noqa: SIM115
        self._loop = asyncio.new_event_loop()
        ready: Future[list[Any]] = Future()
        self._task = self._loop.create_task(self._serve(ready))
        self._thread = threading.Thread(target=self._run, name=f"mcp {self.name[:40]}", daemon=True)
        self._thread.start()
        try:
            listed = ready.result(self.startup_timeout)
        except FutureTimeout:
            self.close()
            raise MCPServerError(
                f"MCP server {self._label()} did not start within {self.startup_timeout:g} s"
                + self._stderr_tail()
            ) from None
        except MCPServerError:
            self.close()
            raise
        try:
            self._tools = self._build_tools(listed)
        except BaseException:
            self.close()
            raise
        return self

    def tools(self) -> list[SchemaTool]:
        """The server's tools as codeact tools (starting the server if needed)."""
        self.start()
        return list(self._tools)

    def close(self) -> None:
        """Stop the connection (and the process, for a command); idempotent."""
        loop, thread, task = self._loop, self._thread, self._task
        if loop is None or thread is None or task is None:
            return
        self._failure = self._failure or "it was closed"
        if not loop.is_closed():  # cancelled also while it starts or waits on a hung server
            loop.call_soon_threadsafe(task.cancel)
        thread.join(10)
        if not thread.is_alive():
            loop.close()
        self._thread = self._loop = None
        if self._errlog is not None:
            self._errlog.close()
            self._errlog = None

    def __enter__(self) -> MCPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<MCPServer {self._label()}>"

    # --- the connection, on its own event loop ---------------------------------------------

    def _run(self) -> None:
        assert self._loop is not None and self._task is not None
        with contextlib.suppress(BaseException):  # how it ended is in self._failure
            self._loop.run_until_complete(self._task)

    async def _serve(self, ready: Future[list[Any]]) -> None:
        from mcp import Client

        try:
            async with Client(self._transport(), read_timeout_seconds=self.timeout) as client:
                self._client = client
                listed = await self._list_tools(client)
                # the SDK validates results with jsonschema, whose first import takes seconds:
                # paid here, within the startup timeout, not by the first call's
                await asyncio.to_thread(importlib.import_module, "jsonschema")
                ready.set_result(listed)
                await asyncio.Event().wait()  # until close() cancels this task
        except BaseException as exc:  # the SDK raises exception groups; say what ended it
            self._failure = self._failure or _reason(exc)
            if not ready.done():
                ready.set_exception(
                    MCPServerError(
                        f"MCP server {self._label()} failed to start: {self._failure}"
                        + self._stderr_tail()
                    )
                )
        finally:
            self._client = None

    def _transport(self) -> Any:
        if self.url:
            from mcp.client.streamable_http import streamable_http_client

            if self.headers:
                import httpx2

                http = httpx2.AsyncClient(headers=self.headers, timeout=self.timeout)
                return streamable_http_client(self.url, http_client=http)
            return streamable_http_client(self.url)
        from mcp.client.stdio import StdioServerParameters, stdio_client

        params = StdioServerParameters(
            command=self.argv[0], args=self.argv[1:], env=self.env, cwd=self.cwd
        )
        return stdio_client(params, errlog=self._errlog or sys.stderr)

    async def _list_tools(self, client: Any) -> list[Any]:
        tools: list[Any] = []
        cursor = None
        while len(tools) <= MAX_TOOLS:
            page = await client.list_tools(cursor=cursor)
            tools += page.tools
            cursor = page.next_cursor
            if not cursor:
                break
        return tools[:MAX_TOOLS]

    def call(self, name: str, arguments: dict[str, Any]) -> Any:
        """Call the server's tool `name`; its result as a Python value (module docstring)."""
        loop, client = self._loop, self._client
        if loop is None or client is None:
            # the stderr tail goes to the host's log only: this error reaches the kernel and the model
            log.warning("MCP server %s is not running%s", self._label(), self._stderr_tail())
            raise MCPServerError(
                f"MCP server {self._label()} is not running ({self._failure or 'never started'})"
            )
        future = asyncio.run_coroutine_threadsafe(client.call_tool(name, arguments), loop)
        try:
            result = future.result(self.timeout + 5)  # the SDK's own timeout comes first
        except FutureTimeout:
            future.cancel()
            raise self._no_answer(name) from None
        except Exception as exc:
            reason = _reason(exc)
            if "timed out" in reason:
                raise self._no_answer(name) from None
            log.warning("MCP server %s failed on %s%s", self._label(), name, self._stderr_tail())
            raise MCPServerError(f"MCP server {self._label()} failed on {name}: {reason}") from None
        return result_value(result)

    def _no_answer(self, name: str) -> MCPServerError:
        return MCPServerError(
            f"MCP server {self._label()} did not answer {name} within {self.timeout:g} s"
        )

    # --- tools -------------------------------------------------------------------------------

    def _build_tools(self, listed: list[Any]) -> list[SchemaTool]:
        tools: dict[str, SchemaTool] = {}
        for spec in listed:
            remote = str(spec.name)
            local = python_name(self.prefix + remote)
            text = str(spec.description or spec.title or f"The MCP tool {remote}.")
            description = _clean(text[: MAX_DESCRIPTION * 2])  # cut first: cleaning costs time
            try:
                if local in tools:
                    raise ConfigError(f"its name is the same as another tool's ({local})")
                tools[local] = schema_tool(
                    local,
                    _input_schema(spec.input_schema),
                    description[:MAX_DESCRIPTION],
                    self._caller(remote),
                )
            except Exception as exc:  # a schema codeact cannot read skips that tool only
                self.skipped.append(f"{_clean(remote[:80])}: {_clean(str(exc)[:200])}")
        return list(tools.values())

    def _caller(self, remote: str) -> Any:
        def call(**arguments: Any) -> Any:
            return self.call(remote, arguments)

        return call

    def _label(self) -> str:
        return repr(_clean(self.name)[:120])

    def _stderr_tail(self) -> str:
        log = self._errlog
        if log is None or log.closed:
            return ""
        try:
            log.flush()
            log.seek(0, os.SEEK_END)
            size = log.tell()
            log.seek(max(0, size - _STDERR_TAIL))
            tail = log.read().strip()
        except (OSError, ValueError):
            return ""
        tail = " ".join(tail.split())  # log lines wrapped for a terminal read better joined
        return f"; its stderr ends: {_clean(tail)}" if tail else ""


def _url_label(url: str) -> str:
    """scheme://host[:port] of `url`: no user, password, path or query."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}"


def python_name(name: str) -> str:
    """An MCP tool's name as a Python identifier the kernel can define safely."""
    local = _NOT_IDENT.sub("_", name) or "tool"
    if local[0].isdigit():
        local = f"tool_{local}"
    if keyword.iskeyword(local) or hasattr(builtins, local) or local == "ToolError":
        local += "_tool"
    return local


def _input_schema(schema: Any) -> dict[str, Any]:
    """A tool's input schema, capped in size and with every string cleaned: its descriptions
    reach the prompt, the kernel's docstrings and the model server's `tools` field."""
    try:
        cleaned = _cleaned(schema or {"type": "object"})
    except _TooDeep as exc:
        raise ConfigError(f"its input schema: {exc}") from None
    size = len(json.dumps(cleaned, default=str))
    if size > MAX_SCHEMA_BYTES:
        raise ConfigError(f"its input schema is {size} bytes; the limit is {MAX_SCHEMA_BYTES}")
    if not isinstance(cleaned, dict):
        raise ConfigError("its input schema is not a JSON object")
    return cleaned


def result_value(result: Any) -> Any:
    """A CallToolResult as the value the model's code receives (see the module docstring)."""
    blocks = [b.model_dump(mode="json", by_alias=False) for b in result.content]
    if result.is_error:
        message = " ".join(str(b.get("text", "")) for b in blocks).strip() or "the tool failed"
        raise MCPToolError(_clean(message)[:MAX_DESCRIPTION])
    if result.structured_content is not None:
        value = _unwrapped(result.structured_content)
    elif len(blocks) == 1 and blocks[0].get("type") == "text":
        value = blocks[0].get("text", "")
    elif len(blocks) == 1:
        value = _block_value(blocks[0])
    else:
        value = [_block_value(b) for b in blocks]
    try:
        size = len(json.dumps(value, default=str))  # before cleaning, which costs time per byte
    except RecursionError:
        raise MCPToolError(f"the result is nested deeper than {MAX_DEPTH} levels") from None
    if size > MAX_RESULT_BYTES:
        raise MCPToolError(f"the result is {size} bytes; the limit is {MAX_RESULT_BYTES}")
    try:
        return _cleaned(value)
    except _TooDeep as exc:
        raise MCPToolError(f"the result: {exc}") from None


def _unwrapped(value: Any) -> Any:
    """The SDK wraps a tool's non-object return value as {"result": value}."""
    if isinstance(value, dict) and list(value) == ["result"]:
        return value["result"]
    return value


def _block_value(block: dict[str, Any]) -> Any:
    kind = block.get("type")
    if kind == "text":
        return block.get("text", "")
    if kind in ("image", "audio"):
        data = str(block.get("data", ""))
        _check_base64(data)
        return {"type": kind, "mime_type": block.get("mime_type"), "data": data}
    if kind == "resource":
        resource = block.get("resource", {})
        if "text" in resource:
            return {"type": "resource", "uri": resource.get("uri"), "text": resource["text"]}
        return {"type": "resource", "uri": resource.get("uri"), "blob": resource.get("blob")}
    if kind == "resource_link":
        return {"type": "resource_link", "uri": block.get("uri"), "name": block.get("name")}
    return {"type": str(kind)}


def _check_base64(data: str) -> None:
    try:
        base64.b64decode(data, validate=True)
    except ValueError:
        raise MCPToolError("the server sent content that is not valid base64") from None


class _TooDeep(ValueError):
    pass


def _cleaned(value: Any, depth: int = 0) -> Any:
    """Every string in `value` (keys too) with its control characters neutralized; _TooDeep past
    MAX_DEPTH levels (before anything recurses on it without a limit)."""
    if depth > MAX_DEPTH:
        raise _TooDeep(f"it nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, list):
        return [_cleaned(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_clean(str(k)): _cleaned(v, depth + 1) for k, v in value.items()}
    return value


def _clean(text: str) -> str:
    return printable(text)


def _target(target: str | Sequence[str]) -> tuple[list[str], str]:
    """(argv, url): a URL for streamable HTTP, or the command line of a stdio server."""
    if isinstance(target, str):
        text = target.strip()
        if text.startswith(("http://", "https://")):
            return [], text
        try:
            argv = shlex.split(text)
        except ValueError as exc:
            raise ConfigError(f"--mcp {target!r}: {exc}") from None
    else:
        argv = [str(a) for a in target]
    if not argv:
        raise ConfigError("an MCP server needs a command line or an http(s):// URL")
    return argv, ""


def _reason(exc: BaseException) -> str:
    """The innermost message of an exception (the SDK nests them in exception groups)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    text = str(exc).strip() or type(exc).__name__
    return _clean(f"{type(exc).__name__}: {text}" if type(exc).__name__ not in text else text)


def open_servers(targets: Sequence[str], **options: Any) -> list[MCPServer]:
    """Start one MCPServer per target; if one fails, those already started are closed."""
    servers: list[MCPServer] = []
    try:
        for target in targets:
            servers.append(MCPServer(target, **options).start())
    except BaseException:
        for server in servers:
            server.close()
        raise
    return servers
