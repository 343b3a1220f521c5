"""The `codeact` command, run as a user would: a real process, a real kernel."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from codeact.types import Trajectory

CODEACT = [sys.executable, "-m", "codeact"]


def _run(
    args: list[str], stdin: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "TERM": "dumb"}
    return subprocess.run(
        [*CODEACT, *args], input=stdin, capture_output=True, text=True, timeout=timeout, env=env
    )


def _replies(tmp_path: Path, *replies: str) -> str:
    path = tmp_path / "replies.json"
    path.write_text(json.dumps(list(replies)))
    return f"scripted:{path}"


def test_run_shows_steps_answer_and_summary(tmp_path: Path) -> None:
    llm = _replies(tmp_path, "<execute>print(sum(range(11)))</execute>", "<solution>55</solution>")
    out_file = tmp_path / "traj.json"
    result = _run(["run", "Sum 0..10", "--llm", llm, "--output", str(out_file)])
    assert result.returncode == 0, result.stderr
    assert "print(sum(range(11)))" in result.stdout
    assert "55" in result.stdout
    assert "finished · 2 turns ·" in result.stdout and "tokens" in result.stdout
    assert Trajectory.load(out_file).answer == "55"


def test_run_exits_nonzero_when_a_limit_is_hit(tmp_path: Path) -> None:
    llm = _replies(tmp_path, "<execute>1</execute>", "<execute>2</execute>")
    result = _run(["run", "Loop", "--llm", llm, "--max-turns", "2"])
    assert result.returncode == 1
    assert "max_turns · 2 turns" in result.stdout


def test_bad_llm_is_one_clear_line(tmp_path: Path) -> None:
    result = _run(["run", "x", "--llm", "nope:model"])
    assert result.returncode == 2
    assert "error: unknown llm 'nope'" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_chat_keeps_state_across_messages(tmp_path: Path) -> None:
    llm = _replies(
        tmp_path,
        "<execute>total = 40</execute>",
        "I stored 40 in `total`.",
        "<execute>print(total + 2)</execute>",
        "<solution>42</solution>",
    )
    result = _run(["chat", "--llm", llm], stdin="store 40\nadd 2\n/exit\n")
    assert result.returncode == 0, result.stderr
    assert "I stored 40 in `total`." in result.stdout
    assert "42" in result.stdout


@pytest.mark.parametrize("command", ["run", "chat"])
def test_help_lists_the_options(command: str) -> None:
    result = _run([command, "--help"])
    assert result.returncode == 0
    assert "--llm" in result.stdout and "--max-turns" in result.stdout


def test_ctrl_c_in_chat_interrupts_the_code_not_the_program(tmp_path: Path) -> None:
    llm = _replies(
        tmp_path,
        "<execute>import time\nfor _ in range(300): time.sleep(0.1)</execute>",
        "<execute>print('still here')</execute>",
        "<solution>alive</solution>",
    )
    env = {**os.environ, "COLUMNS": "120", "TERM": "dumb"}
    proc = subprocess.Popen(
        [*CODEACT, "chat", "--llm", llm, "--kernel", "local"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert proc.stdin is not None
    proc.stdin.write("sleep for a long time\n")
    proc.stdin.flush()
    time.sleep(6)  # the kernel is up and the long cell is running
    proc.send_signal(signal.SIGINT)
    time.sleep(2)
    out, err = proc.communicate("are you there?\n/exit\n", timeout=60)
    assert proc.returncode == 0, err
    assert "interrupting" in out
    assert "KeyboardInterrupt" in out and "interrupted · 1 turns" in out
    assert "still here" in out and "alive" in out
