"""The `codeact` command, run as a user would: a real process, a real kernel."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from codeact.types import Trajectory

CODEACT = [sys.executable, "-m", "codeact"]
ENV = {**os.environ, "COLUMNS": "120", "TERM": "dumb"}


def _run(
    args: list[str], stdin: str = "", timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CODEACT, *args], input=stdin, capture_output=True, text=True, timeout=timeout, env=ENV,
        cwd=cwd,
    )  # fmt: skip


def _replies(tmp_path: Path, *replies: str, delay: float = 0.0) -> str:
    path = tmp_path / "replies.json"
    path.write_text(json.dumps({"replies": list(replies), "delay": delay}))
    return f"scripted:{path}"


class Live:
    """A `codeact` process whose stdout is read as it arrives, each chunk with its time."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            [*CODEACT, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, env=ENV, cwd=cwd,
        )  # fmt: skip
        self.started = time.monotonic()
        self.chunks: list[tuple[float, bytes]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while chunk := os.read(self.proc.stdout.fileno(), 65536):
            self.chunks.append((time.monotonic() - self.started, chunk))

    def text(self) -> str:
        return b"".join(c for _, c in self.chunks).decode()

    def first_seen(self, needle: str) -> float:
        """Seconds after the start when `needle` had arrived."""
        seen = b""
        for at, chunk in self.chunks:
            seen += chunk
            if needle.encode() in seen:
                return at
        raise AssertionError(f"{needle!r} never arrived: {self.text()!r}")

    def wait_for(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            assert time.monotonic() < deadline, f"{needle!r} did not arrive: {self.text()!r}"
            time.sleep(0.05)

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=10)
        assert self.proc.stderr is not None
        return code, self.text(), self.proc.stderr.read().decode()


def test_run_shows_steps_answer_and_summary(tmp_path: Path) -> None:
    llm = _replies(tmp_path, "<execute>print(sum(range(11)))</execute>", "<solution>55</solution>")
    out_file = tmp_path / "traj.json"
    result = _run(["run", "Sum 0..10", "--llm", llm, "--output", str(out_file)], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "print(sum(range(11)))" in result.stdout
    assert "55" in result.stdout
    assert "finished · 2 turns ·" in result.stdout and "tokens" in result.stdout
    assert Trajectory.load(out_file).answer == "55"


# --- 1: the files the agent writes are kept -------------------------------------------------

PLOT = "<execute>open('sin.txt', 'w').write('0.0 0.84')</execute>"


def test_run_keeps_files_in_a_new_folder_under_runs(tmp_path: Path) -> None:
    result = _run(["run", "Save sin", "--llm", _replies(tmp_path, PLOT, "<solution>ok</solution>")],
                  cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    [folder] = (tmp_path / "runs").iterdir()
    assert folder.name.endswith("-save-sin")
    assert (folder / "sin.txt").read_text() == "0.0 0.84"
    assert f"files are in {folder}" in result.stdout.replace("\n", "")


def test_run_workdir_and_ephemeral(tmp_path: Path) -> None:
    chosen = tmp_path / "mine"
    args = ["run", "Save sin", "--llm", _replies(tmp_path, PLOT, "<solution>ok</solution>")]
    assert _run([*args, "--workdir", str(chosen)], cwd=tmp_path).returncode == 0
    assert (chosen / "sin.txt").is_file()
    result = _run([*args, "--ephemeral"], cwd=tmp_path)
    assert result.returncode == 0 and "files are in" not in result.stdout
    assert not (tmp_path / "runs").exists()


def test_kept_files_carry_no_set_id_bits_and_are_handed_back(tmp_path: Path) -> None:
    code = (
        "import os; open('x', 'w').write('#!/bin/sh'); os.chmod('x', 0o755); os.chmod('x', 0o6755)"
    )
    llm = _replies(tmp_path, f"<execute>{code}</execute>", "<solution>ok</solution>")
    work = tmp_path / "w"
    result = _run(["run", "setuid", "--llm", llm, "--workdir", str(work)])
    assert result.returncode == 0, result.stderr
    assert "Operation not permitted" in result.stdout  # the sandbox may not set them at all
    info = (work / "x").stat()
    assert info.st_mode & 0o7777 == 0o755
    assert (info.st_uid, info.st_gid) == (work.stat().st_uid, work.stat().st_gid)  # handed back


# --- 2: live output -------------------------------------------------------------------------


def test_run_streams_tokens_and_cell_output_as_they_come(tmp_path: Path) -> None:
    words = " ".join(f"w{i}" for i in range(12))
    cell = "import time\nprint('TI' + 'CK', flush=True)\ntime.sleep(3)\nprint('TO' + 'CK')"
    llm = _replies(tmp_path, f"{words}\n<execute>\n{cell}\n</execute>", "<solution>ok</solution>",
                   delay=0.15)  # fmt: skip
    live = Live(["run", "Tick", "--llm", llm, "--kernel", "local", "--ephemeral"], tmp_path)
    code, _out, err = live.finish(timeout=120)
    assert code == 0, err
    assert live.first_seen("w11") - live.first_seen("w0") > 1.0  # the reply arrived word by word
    assert live.first_seen("TOCK") - live.first_seen("TICK") > 2.0  # output as it is printed


# --- 3: Ctrl-C ------------------------------------------------------------------------------


def test_ctrl_c_in_run_keeps_what_was_produced(tmp_path: Path) -> None:
    cell = "import time\nprint('STAR' + 'TED', flush=True)\ntime.sleep(60)"
    llm = _replies(tmp_path, "<execute>print('first')</execute>", f"<execute>{cell}</execute>")
    out_file = tmp_path / "traj.json"
    args = ["run", "Sleep", "--llm", llm, "--kernel", "local", "-o", str(out_file), "--ephemeral"]
    live = Live(args, tmp_path)
    live.wait_for("STARTED")
    live.proc.send_signal(signal.SIGINT)
    code, out, err = live.finish(timeout=30)
    assert code == 130, out + err
    assert "interrupted" in out and "KeyboardInterrupt" in out
    saved = Trajectory.load(out_file)
    assert saved.status == "interrupted" and saved.turns == 2
    assert saved.steps[0].observation is not None and saved.steps[0].observation.output == "first\n"


def test_ctrl_c_in_chat_stops_a_generation_at_once(tmp_path: Path) -> None:
    slow = " ".join(["word"] * 300)  # 300 words at 0.1 s: half a minute of generation
    llm = _replies(tmp_path, slow, "<solution>alive</solution>", delay=0.1)
    live = Live(["chat", "--llm", llm, "--kernel", "local", "--ephemeral"], tmp_path)
    live.send("talk a lot")
    live.wait_for("word word word")
    pressed = time.monotonic() - live.started
    live.proc.send_signal(signal.SIGINT)
    live.wait_for("interrupted · ", timeout=10)
    assert live.first_seen("interrupted · ") - pressed < 2.0
    live.send("are you there?")
    live.wait_for("alive")
    live.send("/exit")
    code, out, err = live.finish()
    assert code == 0, err
    assert out.count("word") < 100


def test_ctrl_c_in_chat_interrupts_the_code_not_the_program(tmp_path: Path) -> None:
    llm = _replies(
        tmp_path,
        "<execute>import time\nprint('SLEEP' + 'ING', flush=True)\nfor _ in range(300): time.sleep(0.1)</execute>",
        "<execute>print('still here')</execute>",
        "<solution>alive</solution>",
    )
    live = Live(["chat", "--llm", llm, "--kernel", "local", "--ephemeral"], tmp_path)
    live.send("sleep for a long time")
    live.wait_for("SLEEPING")
    live.proc.send_signal(signal.SIGINT)
    live.wait_for("interrupted · 1 turn ·")
    live.send("are you there?")
    live.send("/exit")
    code, out, err = live.finish()
    assert code == 0, err
    assert "interrupting" in err and "KeyboardInterrupt" in out
    assert "still here" in out and "alive" in out


# --- 4: bad input is one line on stderr, before any work ------------------------------------


def _bad_inputs(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    not_gguf = tmp_path / "model.gguf"
    not_gguf.write_text("this is not a model")
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    ok = _replies(tmp_path, "<solution>1</solution>")
    return {
        "not-gguf": (["run", "x", "--llm", f"local:{not_gguf}"], "is not a GGUF model file"),
        "no-model-file": (["run", "x", "--llm", "local:/nonexistent.gguf"], "no GGUF model file"),
        "output-unwritable": (
            ["run", "x", "--llm", ok, "-o", str(blocker / "t.json")],
            "cannot be written",
        ),
        "output-is-a-folder": (["run", "x", "--llm", ok, "-o", str(tmp_path)], "is a folder"),
        "bogus-tier": (["doctor", "--min-tier", "bogus"], "unknown tier 'bogus'"),
        "zero-turns": (
            ["run", "x", "--llm", ok, "--max-turns", "0"],
            "max_turns must be at least 1",
        ),
        "negative-turns": (["chat", "--llm", ok, "--max-turns", "-3"], "at least 1 (got -3)"),
        "zero-timeout": (["run", "x", "--llm", ok, "--timeout", "0"], "more than 0 s"),
        "negative-timeout": (["chat", "--llm", ok, "--timeout", "-1"], "more than 0 s"),
        "empty-task": (["run", "  ", "--llm", ok], "the task is empty"),
        "openai-no-model": (["run", "x", "--llm", "openai:"], "needs a model name"),
        "unknown-llm": (["run", "x", "--llm", "nope:model"], "unknown llm 'nope'"),
        "bench-unknown-llm": (
            ["bench", "run", "--llm", "nosuch:x", "--out", str(tmp_path / "b")],
            "unknown llm",
        ),
        "bench-unknown-task": (
            ["bench", "run", "--suite", "dna", "--task", "zz-*", "--out", str(tmp_path / "b")],
            "no task matches 'zz-*'",
        ),
    }


BAD = sorted(_bad_inputs(Path("/tmp")))


@pytest.mark.parametrize("case", BAD)
def test_bad_input_is_one_line_on_stderr_before_any_work(tmp_path: Path, case: str) -> None:
    args, message = _bad_inputs(tmp_path)[case]
    result = _run(args, cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "runs").exists() and not (tmp_path / "b").exists()


def test_bench_run_with_an_unknown_model_runs_no_episode(tmp_path: Path) -> None:
    out = tmp_path / "b"
    result = _run(["bench", "run", "--suite", "dna", "--llm", "oracle", "--llm", "nosuch:x",
                   "--out", str(out)])  # fmt: skip
    assert result.returncode == 2 and "unknown llm 'nosuch'" in result.stderr
    assert not (out / "results.jsonl").exists()


# --- 6: exit codes and --require-solution ---------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "replies", "code", "status"),
    [
        ([], ["I think it is 4."], 0, "replied · 1 turn ·"),
        (["--require-solution"], ["I think it is 4.", "<solution>4</solution>"], 0,
         "finished · 2 turns ·"),
        (["--require-solution", "--max-turns", "1"], ["I think it is 4."], 1,
         "max_turns · 1 turn ·"),
        (["--token-budget", "5"], ["<execute>print(1)</execute>"] * 3, 1, "max_tokens · 1 turn ·"),
        ([], ["<execute>print(1)</execute>"], 3, "ran out of replies"),
    ],
    ids=["reply", "require-solution", "reply-is-not-an-answer", "token-budget", "llm-error"],
)  # fmt: skip
def test_exit_codes_tell_outcomes_apart(
    tmp_path: Path, flags: list[str], replies: list[str], code: int, status: str
) -> None:
    llm = _replies(tmp_path, *replies)
    result = _run(["run", "2+2?", "--llm", llm, "--ephemeral", *flags])
    assert result.returncode == code, result.stdout + result.stderr
    assert status in result.stdout + result.stderr


# --- 7: chat comforts -----------------------------------------------------------------------


def test_chat_keeps_state_across_messages(tmp_path: Path) -> None:
    llm = _replies(
        tmp_path,
        "<execute>total = 40</execute>",
        "I stored 40 in `total`.",
        "<execute>print(total + 2)</execute>",
        "<solution>42</solution>",
    )
    result = _run(["chat", "--llm", llm, "--ephemeral"], stdin="store 40\nadd 2\n/exit\n")
    assert result.returncode == 0, result.stderr
    assert "I stored 40 in `total`." in result.stdout
    assert "42" in result.stdout and "goodbye" in result.stdout


def test_chat_commands_and_an_llm_error_that_ends_only_the_turn(tmp_path: Path) -> None:
    llm = _replies(tmp_path, "<solution>one</solution>", "<solution>two</solution>")
    saved = tmp_path / "saved.json"
    lines = ["/help", "first", "second", "/undo", "/save " + str(saved), "third", "/bogus"]
    result = _run(["chat", "--llm", llm, "--ephemeral"], stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr  # Ctrl-D (end of input) leaves cleanly
    out = result.stdout
    for command in ("/reset", "/undo", "/save", "/exit"):
        assert command in out  # /help
    assert "finished · 1 turn ·" in out and "forgot the last message" in out
    conversation = [m.content for m in Trajectory.load(saved).messages if m.role == "user"]
    assert conversation == ["first"]  # "second" and its answer were undone
    assert "error: scripted LLM ran out of replies" in result.stderr  # "third": the turn ended
    assert "unknown command /bogus" in out and out.rstrip().endswith("goodbye")


def test_chat_reset_starts_a_new_conversation(tmp_path: Path) -> None:
    llm = _replies(tmp_path, "<execute>x = 1</execute>", "<solution>set</solution>",
                   "<execute>print(x)</execute>", "<solution>gone</solution>")  # fmt: skip
    saved = tmp_path / "saved.json"
    result = _run(["chat", "--llm", llm, "--kernel", "local", "--ephemeral", "-o", str(saved)],
                  stdin="set x\n/reset\nprint x\n")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "NameError" in result.stdout  # the kernel restarted
    assert next(m.content for m in Trajectory.load(saved).messages if m.role == "user") == "print x"


def test_version() -> None:
    from codeact import __version__

    result = _run(["--version"])
    assert result.returncode == 0 and result.stdout.strip() == f"codeact {__version__}"


@pytest.mark.parametrize("command", ["run", "chat"])
def test_help_lists_the_options(command: str) -> None:
    result = _run([command, "--help"])
    assert result.returncode == 0
    for option in ("--llm", "--max-turns", "--workdir", "--ephemeral", "--python-env"):
        assert option in result.stdout
