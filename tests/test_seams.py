"""The seams declare what the rest of the system used to infer from built-in names: formats say
whether they run code and write their own actions, kernels say how isolated they are, backends
take options checked against their constructors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codeact import Agent, CodeAction, Finish, Reply, ToolCall, tool
from codeact.actions import FORMATS, format_names, get_format
from codeact.kernels.isolation import unsandboxed_warning
from codeact.kernels.jupyter import JupyterKernel
from codeact.kernels.sandbox import SandboxKernel
from codeact.kernels.wrapper import KernelWrapper
from codeact.llms.scripted import ScriptedLLM
from codeact.types import ToolCalls


@tool
def lookup(city: str, unit: str = "C", days: int = 1) -> str:
    """Look a city up."""
    return f"{city} {unit} {days}"


ACTIONS = [
    Finish("42"),
    Reply("Which city do you mean?"),
    ToolCall("lookup", {"city": "Paris"}),
    ToolCall("lookup", {"city": "Oslo, Norway", "unit": "F", "days": 3}),
]


@pytest.mark.parametrize("name", list(FORMATS))
def test_each_format_parses_what_it_renders(name: str) -> None:
    fmt = get_format(name)
    fmt.system_prompt([lookup])
    for action in ACTIONS:
        if getattr(fmt, "native_tools", False):  # its replies are messages with native calls
            reply = fmt.render_reply(action)  # type: ignore[attr-defined]
            expected = ToolCalls([action]) if isinstance(action, ToolCall) else action
            assert fmt.parse_message(reply) == expected, reply  # type: ignore[attr-defined]
            continue
        written = fmt.render_action(action)
        parsed = fmt.parse(fmt.clean(written))
        if isinstance(action, ToolCall) and fmt.runs_code:
            assert parsed == CodeAction(
                f"print(lookup({', '.join(f'{k}={v!r}' for k, v in action.args.items())}))"
            )
        else:
            assert parsed == action, written
    assert fmt.nudge and fmt.describe(ToolCall("lookup")) == "calling lookup"


def test_what_formats_declare() -> None:
    code, json_, text = (get_format(n) for n in ("code", "json", "text"))
    assert (code.runs_code, json_.runs_code, text.runs_code) == (True, False, False)
    assert "run code" in code.nudge and "call a tool" in json_.nudge and "call a tool" in text.nudge
    assert code.render_action(CodeAction("print(1)")) == "<execute>\nprint(1)\n</execute>"
    for fmt in (json_, text):
        with pytest.raises(ValueError, match="cannot write a CodeAction"):
            fmt.render_action(CodeAction("print(1)"))
    assert format_names()[:3] == ["code", "json", "text"]


def test_text_writes_a_skipped_optional_argument_as_its_default() -> None:
    fmt = get_format("text")
    fmt.system_prompt([lookup])
    written = fmt.render_action(ToolCall("lookup", {"city": "Rome", "days": 2}))
    assert written == "Action: lookup, 'Rome', 'C', 2 End Action"
    assert lookup.invoke(fmt.parse(written).args) == "Rome C 2"  # type: ignore[union-attr]


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_nudge_comes_from_the_format_and_no_kernel_is_built(fmt: str) -> None:
    llm = ScriptedLLM(["I think so.", "<solution>yes</solution>"])
    agent = Agent(llm, "sandbox", action_format=fmt, require_solution=True)
    assert agent.kernel is None  # the format runs no code: the named kernel is never built
    result = agent.run("Is it?")
    assert result.status == "finished"
    assert agent.trajectory.messages[3].content == f"Observation:\n{agent.format.nudge}"
    assert "call a tool" in agent.format.nudge


# --- kernels ------------------------------------------------------------------------------------


class Counting(KernelWrapper):
    name = "counting"

    def __init__(self, inner: JupyterKernel) -> None:
        super().__init__(inner)
        self.cells = 0

    def execute(self, code: str, **options: object) -> object:  # type: ignore[override]
        self.cells += 1
        return super().execute(code, **options)  # type: ignore[arg-type]


def test_start_is_idempotent_and_a_wrapper_keeps_the_tier(tmp_path: Path) -> None:
    inner = JupyterKernel(tmp_path, timeout=10)
    with Counting(inner) as kernel:
        pid = inner.pid
        kernel.start()
        inner.start()
        assert inner.pid == pid
        chunks: list[str] = []
        obs = kernel.execute("print('hi')", on_output=chunks.append)
        assert "hi" in str(obs) and "".join(chunks).strip() == "hi" and kernel.cells == 1
        assert (kernel.name, kernel.tier, kernel.workdir) == ("counting", "none", inner.workdir)
        warning = unsandboxed_warning(kernel)
        assert warning is not None and "the counting kernel is NOT sandboxed" in warning


def test_the_sandbox_declares_its_tier_and_starts_once(tmp_path: Path) -> None:
    with SandboxKernel(tmp_path / "w", timeout=20) as kernel:
        pid = kernel.pid
        kernel.start()
        assert kernel.pid == pid and kernel.tier in ("namespaces", "full")
        assert unsandboxed_warning(kernel) is None


def test_a_kernel_that_declares_no_tier_is_taken_for_unsandboxed() -> None:
    class Mine:
        name = "mine"

    warning = unsandboxed_warning(Mine())
    assert warning is not None and "does not say how it isolates code" in warning


# --- options on the command line ----------------------------------------------------------------


def _codeact(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    return subprocess.run([sys.executable, "-m", "codeact", *args], capture_output=True,
                          text=True, timeout=120, env=env)  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "x", "--llm", "scripted", "--base-url", "http://h/v1"],
         "error: the llm 'scripted' takes no option 'base_url'; its options: replies, name, task, "
         "delay, episode, max_tokens"),
        (["run", "x", "--llm", "scripted", "--kernel-opt", "nope=1"],
         "error: the kernel 'sandbox' takes no option 'nope'; its options: workdir, limits, "
         "min_tier, tier, allow_unsandboxed, timeout, interrupt_grace, startup_timeout, "
         "max_output_chars, render_limit, replay_on_restart, python"),
        (["run", "x", "--format", "yaml"], "error: unknown format 'yaml'"),
        (["bench", "run", "--llm", "scripted:x.json", "--llm-opt", "temperature=0.1"],
         "error: the llm 'scripted' takes no option 'temperature'"),
    ],
    ids=["base-url-to-scripted", "kernel-opt", "format", "bench-llm-opt"],
)  # fmt: skip
def test_an_option_the_backend_cannot_take_is_one_line_before_any_work(
    args: list[str], message: str, tmp_path: Path
) -> None:
    result = subprocess.run([sys.executable, "-m", "codeact", *args, *(
        ["--ephemeral"] if args[0] == "run" else ["--out", str(tmp_path / "b")])],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
        env={**os.environ, "COLUMNS": "300", "TERM": "dumb"})  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith(message), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "b").exists()


def test_a_malformed_option_is_a_usage_error() -> None:
    result = _codeact("run", "x", "--llm", "scripted", "--llm-opt", "novalue", "--ephemeral")
    assert result.returncode == 2
    assert "takes KEY=VALUE" in result.stderr and "Traceback" not in result.stderr


def test_options_reach_the_backend(tmp_path: Path) -> None:
    replies = tmp_path / "r.json"
    replies.write_text('["<solution>ok</solution>"]')
    saved = tmp_path / "t.json"
    result = _codeact("run", "x", "--llm", f"scripted:{replies}", "--llm-opt", "name=my-model",
                      "--ephemeral", "-o", str(saved))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"llm": "my-model"' in saved.read_text()
