"""LLM backends: registry, the scripted double, missing extras, the embedded model, a real server."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codeact import Agent, Message, get_llm
from codeact.errors import ConfigError, LLMError
from codeact.kernels.jupyter import JupyterKernel
from codeact.llms import check_spec, parse_spec
from codeact.llms.scripted import ScriptedLLM


def test_parse_spec() -> None:
    assert parse_spec("openai:gpt-4o") == ("openai", "gpt-4o")
    assert parse_spec("local") == ("local", "")
    assert parse_spec("local:/m/x.gguf") == ("local", "/m/x.gguf")
    assert parse_spec("mypkg.llms.Custom:big") == ("mypkg.llms.Custom", "big")
    assert parse_spec("openai:qwen2.5:7b") == ("openai", "qwen2.5:7b")
    # module:Class:model, as documented; module:Class alone when the module has that class
    assert parse_spec("mypkg.llms:Custom:big") == ("mypkg.llms:Custom", "big")
    assert parse_spec("codeact.llms.scripted:ScriptedLLM") == (
        "codeact.llms.scripted:ScriptedLLM",
        "",
    )
    assert parse_spec("codeact.llms.scripted:ScriptedLLM:x.json") == (
        "codeact.llms.scripted:ScriptedLLM",
        "x.json",
    )


def test_a_colon_import_path_with_a_model_builds_that_class(tmp_path: Path) -> None:
    replies = tmp_path / "replies.json"
    replies.write_text('["<solution>4</solution>"]')
    llm = get_llm(f"codeact.llms.scripted:ScriptedLLM:{replies}")
    assert isinstance(llm, ScriptedLLM)
    assert llm.complete([Message("user", "x")]).text == "<solution>4</solution>"


def test_unknown_provider_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown llm 'nope'; known: openai, local, scripted"):
        get_llm("nope:model")


def test_an_option_a_backend_cannot_take_is_refused_before_it_is_built() -> None:
    with pytest.raises(ConfigError, match=r"the llm 'scripted' takes no option 'base_url'; its "
                       r"options: replies, name, task, delay, episode, max_tokens"):  # fmt: skip
        get_llm("scripted", replies=["x"], base_url="http://x")
    with pytest.raises(ConfigError, match="takes no option 'temprature'"):
        check_spec("openai:gpt-4o", temprature=0.2)


def test_dotted_path_provider_plugs_in_a_user_class() -> None:
    llm = get_llm("codeact.llms.scripted.ScriptedLLM", replies=["hi"])
    assert isinstance(llm, ScriptedLLM)
    assert llm.complete([Message("user", "x")]).text == "hi"


def test_scripted_replies_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "replies.json"
    path.write_text(json.dumps(["one", "two"]))
    llm = get_llm(f"scripted:{path}")
    assert [llm.complete([]).text for _ in range(2)] == ["one", "two"]
    with pytest.raises(LLMError, match="ran out of replies"):
        llm.complete([])


def test_scripted_bad_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"not": "a list"}')
    with pytest.raises(ConfigError, match="no replies for task None"):
        get_llm(f"scripted:{path}")


def test_scripted_honours_stop_sequences() -> None:
    llm = ScriptedLLM(["<execute>1</execute> extra"])
    assert llm.complete([], stop=["</execute>"]).text == "<execute>1"


@pytest.mark.parametrize(
    ("spec", "module", "hint"),
    [
        ("openai:gpt-4o", "openai", "pip install 'codeact[openai]'"),
        ("local", "llama_cpp", "pip install 'codeact[local]'"),
    ],
)
def test_missing_optional_dependency_gives_a_one_line_hint(
    spec: str, module: str, hint: str
) -> None:
    code = (
        f"import sys; sys.modules[{module!r}] = None\n"
        "from codeact import get_llm\nfrom codeact.errors import MissingDependency\n"
        f"try:\n    get_llm({spec!r})\nexcept MissingDependency as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert hint in out.stdout and out.stdout.count("\n") == 1


@pytest.mark.slow
def test_embedded_model_drives_the_loop(tmp_path: Path) -> None:
    """The real bundled model through the loop: it completes and records tokens (not correctness)."""
    llm = get_llm("local", max_tokens=128)
    with JupyterKernel(tmp_path) as kernel:
        traj = Agent(llm, kernel, max_turns=3).run("Compute 2**10 with Python.")
    assert traj.status in {"finished", "replied", "max_turns"}
    assert traj.turns >= 1
    usage = traj.steps[0].completion.usage
    assert usage.prompt_tokens > 100 and usage.completion_tokens > 0
    assert traj.steps[0].completion.model.startswith("local:SmolLM2")


@pytest.mark.slow
def test_embedded_model_streams() -> None:
    chunks: list[str] = []
    completion = get_llm("local", max_tokens=16).complete(
        [Message("user", "Say hello.")], stream=chunks.append
    )
    assert chunks and "".join(chunks) == completion.text
    assert completion.usage.completion_tokens == len(chunks)


@pytest.mark.slow
@pytest.mark.parametrize("stream", [False, True])
def test_openai_backend_against_a_real_server(model_server: str, stream: bool) -> None:
    llm = get_llm("openai:smollm2", base_url=model_server, max_tokens=32)
    chunks: list[str] = []
    completion = llm.complete(
        [Message("user", "Count: 1, 2, 3,")], stop=["7"], stream=chunks.append if stream else None
    )
    assert completion.text and "7" not in completion.text
    assert completion.usage.completion_tokens > 0 and completion.usage.prompt_tokens > 0
    assert completion.seconds > 0
    if stream:
        assert "".join(chunks) == completion.text
    assert completion.usage.estimated == stream  # llama.cpp's server sends no usage when streaming


@pytest.mark.slow
def test_agent_over_the_openai_backend(model_server: str, tmp_path: Path) -> None:
    llm = get_llm("openai:smollm2", base_url=model_server, max_tokens=128)
    with JupyterKernel(tmp_path) as kernel:
        traj = Agent(llm, kernel, max_turns=2).run("Print the numbers 1 to 3 with Python.")
    assert traj.turns >= 1 and traj.usage.total_tokens > 0


# --- model-server errors: said at once, with what to fix --------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_connection_is_not_retried_and_names_the_url() -> None:
    url = f"http://127.0.0.1:{_free_port()}/v1"  # nothing listens there
    llm = get_llm("openai:x", base_url=url, max_retries=5)
    started = time.monotonic()
    with pytest.raises(LLMError) as err:
        llm.complete([Message("user", "hi")])
    assert time.monotonic() - started < 2.0  # five retries with backoff would take ~15 s
    assert f"nothing answers at {url}" in str(err.value) and "--base-url" in str(err.value)


class _Answer(http.server.BaseHTTPRequestHandler):
    """Answers every request with the status in the server's `status` attribute."""

    def do_POST(self) -> None:
        self.server.hits += 1  # type: ignore[attr-defined]
        body = json.dumps({"error": {"message": "no", "type": "x"}}).encode()
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def http_status() -> Iterator[Callable[[int], str]]:
    """A real HTTP server on 127.0.0.1 answering with a chosen status; yields a URL maker."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    server.hits = 0  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def url(status: int) -> str:
        server.status = status  # type: ignore[attr-defined]
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield url
    server.shutdown()


@pytest.mark.parametrize(
    ("status", "path", "says"),
    [
        (401, "/v1", ["401 Unauthorized", "the key from --api-key", "OPENAI_API_KEY"]),
        (404, "", ["404 Not Found", "is /v1 missing", "'x' a model the server serves"]),
        (404, "/v1", ["404 Not Found", "'x' a model the server serves", "/v1/models"]),
    ],
)
def test_401_and_404_say_what_to_fix(
    http_status: Callable[[int], str], status: int, path: str, says: list[str]
) -> None:
    url = http_status(status) + path
    llm = get_llm("openai:x", base_url=url, api_key="sk-wrong", max_retries=3)
    with pytest.raises(LLMError) as err:
        llm.complete([Message("user", "hi")])
    for words in says:
        assert words in str(err.value), str(err.value)


def test_a_server_error_is_retried(http_status: Callable[[int], str]) -> None:
    llm = get_llm("openai:x", base_url=http_status(503) + "/v1", max_retries=2)
    with pytest.raises(LLMError, match="InternalServerError"):
        llm.complete([Message("user", "hi")])


def test_openai_without_a_key_says_so_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="needs an API key: set OPENAI_API_KEY"):
        get_llm("openai:gpt-4o")
    with pytest.raises(ConfigError, match="needs a model name"):
        get_llm("openai:", base_url="http://127.0.0.1:1/v1")


# --- the scripted double: streaming, a slow model, replies per task -----------------------------


def test_scripted_streams_word_by_word_with_a_delay(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"replies": ["one two three"], "delay": 0.1}))
    chunks: list[str] = []
    started = time.monotonic()
    completion = get_llm(f"scripted:{path}").complete([], stream=chunks.append)
    assert chunks == ["one ", "two ", "three"] and completion.text == "one two three"
    assert time.monotonic() - started >= 0.3


def test_scripted_replies_per_task(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"tasks": {"a": ["for a"]}, "replies": ["anyone"]}))
    assert get_llm(f"scripted:{path}", task="a").complete([]).text == "for a"
    assert get_llm(f"scripted:{path}", task="b").complete([]).text == "anyone"
    path.write_text(json.dumps({"tasks": {"a": ["for a"]}}))
    with pytest.raises(ConfigError, match="no replies for task 'b'"):
        get_llm(f"scripted:{path}", task="b")
