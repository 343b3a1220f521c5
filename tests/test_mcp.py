"""MCP servers as tools: a real server written with the SDK (tests/mcp_demo_server.py), over stdio
and over streamable HTTP on 127.0.0.1, its tools called by a sandboxed agent's code and by the
tool-call formats, and the ways a server goes wrong (errors, hangs, crashes, floods)."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("mcp", reason="needs the mcp extra")

from codeact import Agent
from codeact.errors import ConfigError
from codeact.kernels.sandbox import SandboxKernel
from codeact.llms.scripted import ScriptedLLM
from codeact.tools.mcp import MCPServer, MCPServerError, MCPToolError, python_name, result_value

DEMO = str(Path(__file__).with_name("mcp_demo_server.py"))
STDIO = [sys.executable, DEMO]


@pytest.fixture(scope="module")
def server() -> Iterator[MCPServer]:
    with MCPServer(STDIO, timeout=2) as s:
        yield s


@pytest.fixture(scope="module")
def http_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path_factory.mktemp("mcp-http") / "server.log"
    proc = subprocess.Popen([*STDIO, str(port)], stdout=log.open("w"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"no MCP HTTP server: {log.read_text()[-1500:]}") from None
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}/mcp"
    proc.terminate()
    proc.wait(timeout=10)


def _tools(server: MCPServer) -> dict[str, object]:
    return {t.name: t for t in server.tools()}


def test_signatures_and_docstrings_come_from_the_input_schemas(server: MCPServer) -> None:
    tools = {t.name: t for t in server.tools()}
    assert tools["add"].signature == "add(a: int, b: int = 1)"
    assert tools["stats"].signature == "stats(values: list[float])"
    assert tools["add"].doc == "Add two integers."
    # not identifiers, or builtins the kernel must keep: renamed, called by their own name
    assert tools["search_docs"].signature == "search_docs(query: str, limit: int = 3)"
    assert tools["search_docs"]("q", limit=2) == ["q 0", "q 1"]
    assert tools["open_tool"]("a.txt") == "opened a.txt"
    assert "open" not in tools and server.skipped == []
    # what the server wrote is cleaned before the prompt, the kernel or a terminal sees it
    assert tools["greet"].doc == "A greeting, in red on a terminal.\n\nname: who to greet"
    assert "\x1b" not in json.dumps(tools["greet"].json_schema())


def test_results_are_bounded_before_anything_walks_them() -> None:
    from mcp_types import CallToolResult, TextContent

    deep: dict[str, object] = {}
    node = deep
    for _ in range(500):
        node["x"] = {}
        node = node["x"]  # type: ignore[assignment]
    with pytest.raises(MCPToolError, match="nests deeper than 64 levels"):
        result_value(CallToolResult(content=[], structured_content=deep))
    text = CallToolResult(content=[TextContent(text="a\x1b]0;pwned\x07b\rc\x00")])
    assert result_value(text) == "ab\nc\\x00"
    failed = CallToolResult(content=[TextContent(text="no \x1b[31mway")], is_error=True)
    with pytest.raises(MCPToolError, match=r"^no way$"):
        result_value(failed)


def test_python_names_of_remote_tools() -> None:
    assert python_name("get-weather.v2") == "get_weather_v2"
    assert python_name("2fa") == "tool_2fa"
    assert python_name("print") == "print_tool" and python_name("class") == "class_tool"
    assert python_name("ToolError") == "ToolError_tool"


def test_a_sandboxed_agents_code_calls_the_tools(server: MCPServer, tmp_path: Path) -> None:
    code = (
        "<execute>\n"
        "print(add(2, b=3))\n"
        "s = stats([1, 2, 6])\n"
        "print(type(s).__name__, s['n'], s['mean'])\n"
        "try:\n"
        "    stats([])\n"
        "except ToolError as e:\n"
        "    print('caught', e)\n"
        "print(repr(greet('ann')))\n"
        "print(picture()['mime_type'])\n"
        "</execute>"
    )
    llm = ScriptedLLM([code, "<solution>done</solution>"])
    with SandboxKernel(tmp_path / "box", timeout=20) as kernel:
        agent = Agent(llm, kernel, tools=server.tools())
        result = agent.run("Use the tools.")
    assert result.status == "finished"
    obs = agent.trajectory.steps[0].observation
    assert obs is not None and obs.error is None, obs
    lines = obs.output.splitlines()
    assert lines[0] == "5"
    assert lines[1] == "dict 3 3.0"  # a structured result is a Python value
    assert (
        lines[2]
        == "caught MCPToolError: Error executing tool stats: stats needs at least one value"
    )
    assert lines[3] == "'hello ann!'"  # the server's terminal escapes never reach the kernel
    assert lines[4] == "image/png"
    prompt = agent.trajectory.messages[0].content
    assert "add(a: int, b: int = 1)" in prompt


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_tool_call_formats_call_them_too(server: MCPServer, fmt: str) -> None:
    call = (
        '{"tool": "add", "args": {"a": 40, "b": 2}}'
        if fmt == "json"
        else "Action: add, 40, 2 End Action"
    )
    llm = ScriptedLLM([call, "<solution>42</solution>"])
    agent = Agent(llm, None, tools=server.tools(), action_format=fmt)
    assert agent.run("Add.").answer == "42"
    assert "Observation:\n42" in agent.trajectory.messages[3].content


def test_two_servers_offering_one_name_are_refused(server: MCPServer) -> None:
    with pytest.raises(ConfigError, match=r"two tools are named 'add'.*prefix="):
        Agent(ScriptedLLM([]), None, tools=[*server.tools(), *server.tools()])


def test_arguments_are_validated_on_the_host_before_the_server(server: MCPServer) -> None:
    tools = {t.name: t for t in server.tools()}
    with pytest.raises(
        TypeError, match="invalid arguments for add: a: Input should be a valid integer"
    ):
        tools["add"]("two")


def test_an_oversized_result_is_refused(server: MCPServer) -> None:
    with pytest.raises(MCPToolError, match="the limit is 1048576"):
        _tools(server)["huge"]()  # type: ignore[operator]


def test_a_hanging_tool_is_reported_not_waited_on(server: MCPServer) -> None:
    started = time.monotonic()
    with pytest.raises(MCPServerError, match="did not answer nap within 2 s"):
        _tools(server)["nap"](30)  # type: ignore[operator]
    assert time.monotonic() - started < 10
    assert _tools(server)["add"](1) == 2  # the server still serves other calls


def test_a_server_that_dies_is_reported(tmp_path: Path) -> None:
    with MCPServer(STDIO, timeout=5) as dying:
        tools = _tools(dying)
        with pytest.raises(MCPServerError, match=r"failed on crash: .*Connection closed"):
            tools["crash"]()  # type: ignore[operator]
        started = time.monotonic()
        with pytest.raises(MCPServerError, match="Connection closed"):
            tools["add"](1)  # type: ignore[operator]
        assert time.monotonic() - started < 2  # said at once, not after a timeout


def test_a_server_that_cannot_start_says_why() -> None:
    cmd = [
        sys.executable,
        "-c",
        "import sys; sys.stderr.write('bad config: no token'); sys.exit(2)",
    ]
    with pytest.raises(
        MCPServerError, match=r"failed to start: .*its stderr ends: bad config: no token"
    ):
        MCPServer(cmd, startup_timeout=20).start()
    with pytest.raises(MCPServerError, match="failed to start"):
        MCPServer(["/nonexistent/mcp-server"]).start()
    mute = [sys.executable, "-c", "import time; time.sleep(60)"]  # never answers initialize
    started = time.monotonic()
    with pytest.raises(MCPServerError, match="did not start within 2 s"):
        MCPServer(mute, startup_timeout=2).start()
    assert time.monotonic() - started < 8
    with pytest.raises(ConfigError, match="needs a command line"):
        MCPServer("  ")


def test_streamable_http_and_an_agent_that_owns_the_server(http_url: str, tmp_path: Path) -> None:
    code = "<execute>\nprint(add(20, 22), stats([2.0, 4.0])['total'])\n</execute>"
    llm = ScriptedLLM([code, "<solution>42</solution>"])
    remote = MCPServer(http_url, timeout=10)
    with SandboxKernel(tmp_path / "box", timeout=20) as kernel:
        local = MCPServer(STDIO, prefix="local_")  # the same tools under other names
        agent = Agent(llm, kernel, tools=[remote, local])  # started here, closed with the agent
        with agent:
            assert agent.run("Add.").answer == "42"
    obs = agent.trajectory.steps[0].observation
    assert obs is not None and obs.output.strip() == "42 6.0"
    assert "local_add" in [t.name for t in agent.tools]
    for server in (remote, local):
        with pytest.raises(MCPServerError, match="is not running"):
            server.call("add", {"a": 1})


def _codeact(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    return subprocess.run(
        [sys.executable, "-m", "codeact", *args], capture_output=True, text=True, timeout=120,
        env=env, cwd=cwd,
    )  # fmt: skip


def test_codeact_run_with_mcp_servers(http_url: str, tmp_path: Path) -> None:
    replies = tmp_path / "replies.json"
    code = "<execute>\nprint(add(1, 2) + len(search_docs('x')))\n</execute>"
    replies.write_text(json.dumps([code, "<solution>6</solution>"]))
    done = _codeact(
        "run", "Use the tools.", "--llm", f"scripted:{replies}", "--mcp", http_url,
        "--ephemeral", "-o", "t.json", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    traj = json.loads((tmp_path / "t.json").read_text())
    assert traj["steps"][0]["observation"]["output"].strip() == "6"
    assert traj["meta"]["tools"][:2] == ["add", "stats"]
    failed = _codeact("run", "x", "--llm", f"scripted:{replies}", "--mcp", "/nonexistent/mcp",
                      "--ephemeral", cwd=tmp_path)  # fmt: skip
    assert failed.returncode == 2
    assert "error: MCP server 'mcp' failed to start" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_codeact_bench_run_offers_the_servers_tools_in_every_episode(tmp_path: Path) -> None:
    stdio = shlex.join(STDIO)
    done = _codeact(
        "bench", "run", "--suite", "travel", "--llm", "oracle", "--formats", "json,tools",
        "--limit", "1", "--engine", "serial", "--mcp", stdio, "--out", "out", cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    rows = [json.loads(line) for line in (tmp_path / "out/results.jsonl").read_text().splitlines()]
    assert [r["success"] for r in rows] == [True, True]
    for row in rows:
        traj = json.loads((tmp_path / row["trajectory"]).read_text())
        assert {"add", "stats", "search_docs"} <= set(traj["meta"]["tools"])
    failed = _codeact("bench", "run", "--suite", "travel", "--llm", "oracle", "--limit", "1",
                      "--mcp", "/nonexistent/mcp", "--out", "out2", cwd=tmp_path)  # fmt: skip
    assert failed.returncode == 2 and "failed to start" in failed.stderr
    assert not (tmp_path / "out2/results.jsonl").exists()


def test_codeact_chat_with_an_mcp_server(tmp_path: Path) -> None:
    replies = tmp_path / "replies.json"
    code = "<execute>\nprint('sum', add(2, 2))\n</execute>"
    replies.write_text(json.dumps([code, "<solution>4</solution>"]))
    done = subprocess.run(
        [sys.executable, "-m", "codeact", "chat", "--llm", f"scripted:{replies}", "--mcp",
         shlex.join(STDIO), "--ephemeral"],
        input="add two and two\n/exit\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "COLUMNS": "200", "TERM": "dumb"}, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "sum 4" in done.stdout and "goodbye" in done.stdout


def test_a_servers_label_holds_no_credentials_and_names_are_ascii() -> None:
    """Errors name the server in the kernel and the prompt: no URL path, query, user or password,
    no command arguments (either may hold a token)."""
    url = MCPServer("https://me:pw@tools.example:8443/s/SECRET-PATH/mcp?api_key=sk-live-1")
    assert url.name == "https://tools.example:8443"
    command = MCPServer([sys.executable, "server.py", "--token", "sk-live-2"])
    assert command.name == Path(sys.executable).name
    assert python_name("ｏｐｅｎ").isascii() and python_name("ｏｐｅｎ") != "open"
