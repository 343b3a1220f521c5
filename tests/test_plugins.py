"""The example plugins under examples/plugins, installed by their entry points, through the CLI.

The entry points are those examples/plugins/pyproject.toml declares, written into a dist-info
folder on PYTHONPATH (what `pip install` would leave), so the test exercises the same discovery
a user gets. Each seam is used by name, exactly as the built-ins are.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from codeact.bench.registry import load_suite
from codeact.bench.runner import read_rows
from codeact.types import Trajectory

PLUGINS = Path(__file__).resolve().parents[1] / "examples" / "plugins"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    site = tmp_path_factory.mktemp("site")
    dist = site / "codeact_examples-0.1.0.dist-info"
    dist.mkdir()
    project = tomllib.loads((PLUGINS / "pyproject.toml").read_text())["project"]
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {project['version']}\n"
    )
    groups = project["entry-points"]
    assert set(groups) == {"codeact.llms", "codeact.kernels", "codeact.formats",
                           "codeact.benchmarks"}  # fmt: skip
    (dist / "entry_points.txt").write_text(
        "".join(
            f"[{group}]\n" + "".join(f"{name} = {target}\n" for name, target in eps.items())
            for group, eps in groups.items()
        )
    )
    path = os.pathsep.join([str(site), str(PLUGINS), os.environ.get("PYTHONPATH", "")])
    return {**os.environ, "PYTHONPATH": path, "COLUMNS": "160", "TERM": "dumb"}


def codeact(
    env: dict[str, str], *args: str, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codeact", *args], capture_output=True, text=True, env=env,
        timeout=timeout,
    )  # fmt: skip


def test_run_with_a_plugin_llm_and_a_plugin_kernel(env: dict[str, str], tmp_path: Path) -> None:
    log, saved = tmp_path / "cells.jsonl", tmp_path / "run.json"
    result = codeact(env, "run", "What is 12 * (3 + 4)?", "--llm", "arithmetic", "--kernel",
                     "audit", "--kernel-opt", "inner=local", "--kernel-opt", f"log={log}",
                     "--ephemeral", "-o", str(saved))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    traj = Trajectory.load(saved)
    assert (traj.status, traj.answer, traj.meta["llm"], traj.meta["kernel"]) == (
        "finished",
        "84",
        "arithmetic",
        "audit",
    )
    assert [json.loads(line)["code"] for line in log.read_text().splitlines()] == [
        "print(12 * (3 + 4))"
    ]
    # the wrapper passes on the local kernel's tier: the warning is not hidden
    assert "warning: the audit kernel is NOT sandboxed (isolation tier 'none')" in result.stderr


def test_run_with_a_plugin_format(env: dict[str, str], tmp_path: Path) -> None:
    result = codeact(env, "run", "What is 6 * 7?", "--llm", "arithmetic", "--llm-opt",
                     "format=hermes", "--format", "hermes", "--ephemeral")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "42" in result.stdout and "working folder" in result.stdout
    # its own syntax and observations, through the scripted LLM
    replies, saved = tmp_path / "replies.json", tmp_path / "run.json"
    replies.write_text(json.dumps(['<tool_call>\n{"name": "lookup", "arguments": {}}\n</tool_call>',
                                   "<solution>done</solution>"]))  # fmt: skip
    result = codeact(env, "run", "Look it up.", "--llm", f"scripted:{replies}", "--format",
                     "hermes", "--ephemeral", "-o", str(saved))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    traj = Trajectory.load(saved)
    assert traj.meta["format"] == "hermes" and traj.meta["kernel"] is None  # it runs no code
    assert traj.messages[0].content.startswith("You are a helpful assistant with access to")
    assert traj.messages[3].content.startswith("<tool_response>\nNameError: unknown tool 'lookup'")


def test_a_plugin_option_it_cannot_take_is_one_clear_error(env: dict[str, str]) -> None:
    result = codeact(env, "run", "What is 1 + 1?", "--llm", "arithmetic", "--llm-opt", "temp=1")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "error: the llm 'arithmetic' takes no option 'temp'; its options: format, max_tokens, delay"
    )


def test_doctor_asks_the_plugin_kernel_for_its_tier(env: dict[str, str]) -> None:
    result = codeact(env, "doctor", "--kernel", "audit", "--kernel-opt", "inner=local",
                     "--kernel-opt", "log=/dev/null")  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "kernel audit: isolation tier none" in result.stdout
    assert "below the required 'namespaces'" in result.stdout


@pytest.mark.parametrize("suite", ["multiturn", "atomic"])
def test_the_oracle_scores_100_with_a_plugin_format(
    env: dict[str, str], tmp_path: Path, suite: str
) -> None:
    out = tmp_path / suite
    result = codeact(env, "bench", "run", "--suite", suite, "--formats", "code,hermes", "--llm",
                     "oracle", "--kernel", "local", "--out", str(out), timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    rows = read_rows(out / "results.jsonl")
    tasks = len(load_suite(suite).tasks)
    assert len(rows) == 2 * tasks and {r["format"] for r in rows} == {"code", "hermes"}
    assert all(r["success"] and r["error"] is None for r in rows)
    table = next(line for line in result.stdout.splitlines() if line.startswith("│ oracle"))
    assert table.count("100.0") == 2


def test_the_plugin_benchmark_by_its_entry_point(env: dict[str, str], tmp_path: Path) -> None:
    result = codeact(env, "bench", "run", "--suite", "library", "--formats", "json,hermes",
                     "--llm", "oracle", "--out", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "oracle: 1 tasks skipped in the json format" in result.stdout  # the unsolvable one
    rows = read_rows(tmp_path / "results.jsonl")
    assert len(rows) == 4 and all(r["success"] for r in rows)
