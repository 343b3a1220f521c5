"""LLM backends: registry, the scripted double, missing extras, the embedded model, a real server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codeact import Agent, Message, get_llm
from codeact.errors import ConfigError, LLMError
from codeact.kernels.jupyter import JupyterKernel
from codeact.llms import parse_spec
from codeact.llms.scripted import ScriptedLLM


def test_parse_spec() -> None:
    assert parse_spec("openai:gpt-4o") == ("openai", "gpt-4o")
    assert parse_spec("local") == ("local", "")
    assert parse_spec("local:/m/x.gguf") == ("local", "/m/x.gguf")
    assert parse_spec("mypkg.llms.Custom:big") == ("mypkg.llms.Custom", "big")


def test_unknown_provider_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown llm 'nope'; built-in: local, openai, scripted"):
        get_llm("nope:model")


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
    with pytest.raises(ConfigError, match="JSON list of strings"):
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


def test_unreachable_server_is_an_llm_error() -> None:
    llm = get_llm("openai:x", base_url="http://127.0.0.1:9/v1", max_retries=0, timeout=2)
    with pytest.raises(LLMError, match="APIConnectionError"):
        llm.complete([Message("user", "hi")])
