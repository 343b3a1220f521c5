"""`codeact train` through the command line: bad input is one line on stderr and exit 2; the
embedded model trains, and `codeact run --llm local:OUT/model.gguf` runs the result."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from train_rows import conversation, write_data


def codeact(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "codeact", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, timeout=timeout)  # fmt: skip


def refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines


def test_bad_input_is_one_line_and_loses_nothing(tmp_path: Path, tiny_model: Path) -> None:
    data = write_data(tmp_path / "export", [conversation()])
    refused(codeact("train", "--out", "out", cwd=tmp_path), "needs --data DIR and --out DIR")
    refused(
        codeact("train", "--data", "missing", "--out", "out", cwd=tmp_path), "no training data at"
    )
    refused(codeact("train", "--data", str(data), "--out", "o", "--base", "nowhere", cwd=tmp_path),
            "base model not found: nowhere")  # fmt: skip
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "train.json").write_text("{}")
    refused(codeact("train", "--data", str(data), "--out", str(earlier), cwd=tmp_path),
            "holds an earlier run; pass --resume")  # fmt: skip
    assert (earlier / "train.json").read_text() == "{}"
    silent = write_data(
        tmp_path / "silent", [{"messages": [{"role": "user", "content": "hi"}]}] * 3
    )
    refused(codeact("train", "--data", str(silent), "--out", "o", "--base", str(tiny_model),
                    cwd=tmp_path), "no assistant turns to learn from in 3 conversations")  # fmt: skip
    refused(codeact("train", "--data", str(data), "--out", "o", "--learning-rate", "-1", cwd=tmp_path),
            "bad training option learning_rate")  # fmt: skip
    assert not (tmp_path / "o").exists() and not (tmp_path / "out").exists()


@pytest.mark.slow
def test_train_the_embedded_model_then_run_it(tmp_path: Path) -> None:
    data = write_data(tmp_path / "export", [conversation(f"{n}") for n in range(4)])
    trained = codeact("train", "--data", str(data), "--out", "out", "--max-steps", "2",
                      "--global-batch-size", "2", "--max-length", "512", cwd=tmp_path)  # fmt: skip
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert "run it: codeact run --llm local:" in trained.stdout
    summary = json.loads((tmp_path / "out" / "train.json").read_text())
    assert summary["steps"] == 2 and summary["base"] == "embedded"
    assert "quantization_config" not in json.loads((tmp_path / "out/model/config.json").read_text())
    gguf = tmp_path / "out" / "model.gguf"
    ran = codeact("run", "--llm", f"local:{gguf}", "--max-turns", "1", "--ephemeral",
                  "--allow-unsandboxed", "What is 2 + 2? Use Python.", cwd=tmp_path)  # fmt: skip
    assert ran.returncode in (0, 1), ran.stderr[-2000:]  # answered, or out of turns: it ran
    assert "turn 1" in ran.stdout
