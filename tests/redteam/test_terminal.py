"""Terminal injection: what sandboxed code prints must not act on the user's terminal.

Checked from the host's side: the real `codeact run` process, the real sandbox, and the bytes that
reach its stdout. The sequences are built at run time inside the sandbox, so the task text and the
scripted replies hold no control character themselves.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from codeact.cli.live import LiveDisplay
from codeact.cli.terminal import printable
from codeact.types import ToolCall

# Each attack prints chr()-built bytes; a terminal would obey every one of them.
ATTACKS = {
    "osc52-clipboard-bel": r"'\x1b]52;c;' + 'cm0gLXJmIH4=' + '\x07'",
    "osc52-clipboard-st": r"'\x1b]52;c;cm0gLXJmIH4=' + '\x1b\\'",
    "osc0-window-title": r"'\x1b]0;pwned\x07'",
    "osc8-hyperlink": r"'\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\'",
    "csi-clear-screen": r"'\x1b[2J\x1b[H'",
    "csi-cursor-up-overwrite": r"'safe\x1b[1A\x1b[2Kfake'",
    "c1-csi": r"'\x9b2J'",
    "c1-osc": r"'\x9d52;c;cm0=\x9c'",
    "dcs-payload": r"'\x1bP+q544e\x1b\\'",
    "unterminated-osc": r"'\x1b]52;c;cm0gLXJmIH4='",
    "carriage-return-overwrite": r"'rm -rf ~\rls     '",
    "backspaces": r"'evil' + '\x08' * 4 + 'nice'",
    "bidi-override": r"'\u202eexe.txt'",
    "bell-and-del": r"'\x07\x7f'",
}
DANGEROUS = [chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]] + [
    "\u202e"
]


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_printable_neutralises(name: str) -> None:
    text = eval(ATTACKS[name])  # the literal itself, evaluated on the host this time
    shown = printable(text)
    assert not any(c in shown for c in DANGEROUS), repr(shown)


def test_printable_keeps_plain_text_and_layout() -> None:
    assert printable("a\tb\nc\r\nd") == "a\tb\nc\nd"
    assert printable("naïve — 漢字 ✓") == "naïve — 漢字 ✓"
    assert printable("\x1b[31mred\x1b[0m") == "red"
    # a broken sequence loses its introducer; what is left is shown, not obeyed
    assert printable("\x1b]52;c;abc") == "52;c;abc"
    assert printable("a\x1b") == "a\\x1b"


def test_cli_output_of_sandboxed_code_reaches_the_terminal_inert(tmp_path: Path) -> None:
    prints = "\n".join(f"print({expr}, flush=True)" for expr in ATTACKS.values())
    # the error path too: an exception message full of escapes
    code = prints + "\nraise ValueError('\\x1b]52;c;ZXZpbA==\\x07')"
    replies = tmp_path / "replies.json"
    replies.write_text(
        json.dumps([f"<execute>\n{code}\n</execute>", "<solution>\x1b]0;title\x07 done</solution>"])
    )
    # a pipe, not a tty: rich then adds no sequences of its own, so any control character is a leak
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    result = subprocess.run(
        [sys.executable, "-m", "codeact", "run", "print things", "--llm", f"scripted:{replies}"],
        capture_output=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    shown = result.stdout.decode("utf-8")
    assert "pwned" in shown and "ValueError" in shown  # the text is there...
    leaked = sorted({f"{ord(c):#x}" for c in shown if c in DANGEROUS})
    assert not leaked, f"control characters reached the terminal: {leaked}"


def test_streamed_tokens_and_output_chunks_reach_the_terminal_inert(tmp_path: Path) -> None:
    """The live paths: the reply streamed word by word (escapes in the thought, in the code and
    in the answer) and the cell's output in separate chunks, a sequence split across two."""
    cell = (
        "import time\n"
        "print('\\x1b]52;c;', end='', flush=True); time.sleep(0.3)\n"
        "print('cm0gLXJmIH4=\\x07 \\x1b[2J chunked', flush=True)\n"
        "print('\\x9b2J' + '\\u202e' + 'tail', flush=True)"
    )
    replies = tmp_path / "replies.json"
    replies.write_text(
        json.dumps(
            {
                "replies": [
                    "Thinking \x1b]0;pwned\x07 \x1b[1A\x1b[2K hard\r\n<execute>\n# \x1b]8;;x\x07\n"
                    f"{cell}\n</execute>",
                    "Done \x9d52;c;x\x9c <solution>\x1b[31mred\x1b[0m \u202eok</solution>",
                ],
                "delay": 0.01,
            }
        )
    )
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb"}
    for command in (["run", "print things"], ["chat"]):
        result = subprocess.run(
            [sys.executable, "-m", "codeact", *command, "--llm", f"scripted:{replies}",
             "--ephemeral"],
            input=b"print things\n", capture_output=True, timeout=180, env=env,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        shown = result.stdout.decode("utf-8") + result.stderr.decode("utf-8")
        assert "chunked" in shown and "tail" in shown and "hard" in shown and "ok" in shown
        assert "pwned" not in shown  # a complete sequence is dropped whole
        leaked = sorted({f"{ord(c):#x}" for c in shown if c in DANGEROUS})
        assert not leaked, f"control characters reached the terminal via {command}: {leaked}"


def test_a_model_chosen_tool_name_in_the_spinner_is_inert() -> None:
    """The spinner names the action running; a native or JSON call's name is the model's text."""
    buffer = io.StringIO()
    live = LiveDisplay(Console(file=buffer, force_terminal=True, width=200))
    evil = "x\x1b]52;c;Zm9v\x07\x1b[2J[bold red]boom[/bold red]"
    live.on_action(ToolCall(evil, {}))
    time.sleep(0.3)  # the spinner draws its line
    live.stop()
    shown = buffer.getvalue()
    assert "52;c;" not in shown and "\x1b[2J" not in shown
    assert "[bold red]boom" in shown  # markup shown as text, not obeyed


def test_many_sequence_introducers_cost_linear_time() -> None:
    """A text of C1 introducers (from a cell, a tool or an MCP server) once cost quadratic time
    in the regex, holding the GIL: 20,000 of them took 2.8 s, a megabyte hours."""
    started = time.perf_counter()
    shown = printable("\x90" * 100_000 + "\x9d" * 100_000)
    assert time.perf_counter() - started < 2.0
    assert shown.count("\\x90") == 100_000
