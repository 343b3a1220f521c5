"""The benchmark harness with real parts: registry, episode protocols, the resumable grid runner,
reports and the `codeact bench` command.

The scripted LLM is the only double. Episodes that run code use a real local Jupyter kernel, and
the slow test drives a real OpenAI-compatible model server.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from codeact.actions import FORMATS
from codeact.bench.episode import FEEDBACK, run_episode
from codeact.bench.oracle import reference_replies
from codeact.bench.registry import BUILTIN, GROUPS, load_suite
from codeact.bench.report import markdown, summarize, write_report
from codeact.bench.runner import KEY_FIELDS, GridConfig, read_rows, run_grid
from codeact.bench.suite import Task
from codeact.errors import ConfigError
from codeact.kernels.jupyter import JupyterKernel
from codeact.llms.scripted import ScriptedLLM
from codeact.types import Trajectory

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SUITE = "my_benchmark"  # examples/my_benchmark.py, loaded by import path
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CliRun = tuple[subprocess.CompletedProcess[str], Path]


@pytest.fixture(scope="module")
def my_benchmark() -> Iterator[ModuleType]:
    """The user-defined example suite, importable while this module's tests run."""
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(EXAMPLES))
        yield importlib.import_module(SUITE)


def _replies(task: Task, fmt: str) -> list[str]:
    replies = reference_replies(task, fmt)
    assert replies is not None
    return replies


def _task(module: ModuleType, task_id: str) -> Task:
    tasks: dict[str, Task] = {t.id: t for t in module.SUITE.tasks}
    return tasks[task_id]


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(row[f] for f in KEY_FIELDS)


def _lines(results: Path) -> list[str]:
    return [line for line in results.read_text().splitlines() if line.strip()]


# --- registry -----------------------------------------------------------------------------------


def test_multiturn_is_the_five_domains_together() -> None:
    suite = load_suite("multiturn")
    assert suite.kind == "multi_turn"
    assert len(suite.tasks) >= 100
    assert {t.domain for t in suite.tasks} == {"travel", "trade", "dna", "decoding", "web"}
    assert len({t.id for t in suite.tasks}) == len(suite.tasks)
    assert not any(t.atomic for t in suite.tasks)
    for domain in GROUPS["multiturn"]:
        part = load_suite(domain)
        assert part.tasks and {t.domain for t in part.tasks} == {domain}


def test_atomic_suite() -> None:
    suite = load_suite("atomic")
    assert suite.kind == "atomic"
    assert len(suite.tasks) >= 60
    assert all(t.atomic for t in suite.tasks)


def test_a_user_suite_loads_by_import_path(
    monkeypatch: pytest.MonkeyPatch, my_benchmark: ModuleType
) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    suite = load_suite(SUITE)
    assert suite is my_benchmark.SUITE
    assert [t.id for t in suite.tasks] == ["shop-basket", "shop-cheapest"]
    assert all(reference_replies(t, f) for t in suite.tasks for f in FORMATS)


def test_an_unknown_suite_names_the_built_in_ones() -> None:
    with pytest.raises(ConfigError) as err:
        load_suite("no_such_suite_xyz")
    message = str(err.value)
    assert "no_such_suite_xyz" in message
    for name in [*BUILTIN, *GROUPS]:
        assert name in message


def test_a_module_without_a_suite_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="no SUITE"):
        load_suite("json")


# --- episodes and protocols ---------------------------------------------------------------------


def test_pass_at_1_stops_at_the_first_wrong_answer(my_benchmark: ModuleType) -> None:
    task = _task(my_benchmark, "shop-basket")
    llm = ScriptedLLM(["<solution>8</solution>", "<solution>7.5</solution>"])
    outcome = run_episode(task, llm, "json", None, protocol="pass@1", max_turns=5)
    assert not outcome.success
    assert (outcome.turns, outcome.status, outcome.answer) == (1, "finished", "8")
    assert len(llm.calls) == 1
    assert outcome.prompt_tokens > 0 and outcome.completion_tokens == 1


def test_pass_at_1_accepts_a_right_answer(my_benchmark: ModuleType) -> None:
    task = _task(my_benchmark, "shop-basket")
    llm = ScriptedLLM(["<solution>$7.50</solution>"])
    outcome = run_episode(task, llm, "json", None, protocol="pass@1", max_turns=5)
    assert outcome.success and outcome.turns == 1


def test_feedback_lets_the_model_try_again(my_benchmark: ModuleType) -> None:
    task = _task(my_benchmark, "shop-cheapest")
    llm = ScriptedLLM(["<solution>bread</solution>", "<solution>apple</solution>"])
    outcome = run_episode(task, llm, "json", None, protocol="feedback", max_turns=5)
    assert outcome.success
    assert (outcome.turns, outcome.status, outcome.answer) == (2, "finished", "apple")
    assert len(llm.calls) == 2
    last = llm.calls[1][-1]
    assert (last.role, last.content) == ("user", FEEDBACK)
    assert FEEDBACK == "Your answer is incorrect. Please try again."
    assert outcome.trajectory.turns == 2


def test_feedback_counts_turns_over_the_whole_episode(
    my_benchmark: ModuleType, kernel: JupyterKernel
) -> None:
    """Code runs in a real kernel; the turns before and after the feedback all count."""
    task = _task(my_benchmark, "shop-basket")
    llm = ScriptedLLM([
        _replies(task, "code")[0],  # runs the tools in the kernel, prints 7.5
        "<solution>7.0</solution>",
        "<execute>print(price('apple') * 6 + price('bread') * 2)</execute>",
        "<solution>7.5</solution>",
    ])  # fmt: skip
    outcome = run_episode(task, llm, "code", kernel, protocol="feedback", max_turns=10)
    assert outcome.success and outcome.turns == 4
    steps = outcome.trajectory.steps
    assert steps[0].observation is not None and "7.5" in steps[0].observation.output
    assert steps[2].observation is not None and "7.5" in steps[2].observation.output
    assert sum(m.content == FEEDBACK for m in llm.calls[2]) == 1
    assert outcome.prompt_tokens == sum(s.completion.usage.prompt_tokens for s in steps)


def test_feedback_stops_at_the_turn_limit(my_benchmark: ModuleType) -> None:
    task = _task(my_benchmark, "shop-cheapest")
    llm = ScriptedLLM(["<solution>bread</solution>"] * 3 + ["<solution>apple</solution>"])
    outcome = run_episode(task, llm, "json", None, protocol="feedback", max_turns=3)
    assert not outcome.success
    assert outcome.turns == 3 and len(llm.calls) == 3  # the right 4th answer is never asked for

    # the turns before the feedback leave fewer for after it
    call = '{"tool": "price", "args": {"item": "apple"}}'
    llm = ScriptedLLM(["<solution>bread</solution>", call, call, "<solution>apple</solution>"])
    outcome = run_episode(task, llm, "json", None, protocol="feedback", max_turns=3)
    assert not outcome.success
    assert (outcome.turns, outcome.status, len(llm.calls)) == (3, "max_turns", 3)


def test_a_model_that_never_answers_uses_every_turn(my_benchmark: ModuleType) -> None:
    task = _task(my_benchmark, "shop-basket")
    llm = ScriptedLLM(lambda messages: '{"tool": "price", "args": {"item": "apple"}}')
    for protocol in ("feedback", "pass@1"):
        llm.calls.clear()
        outcome = run_episode(task, llm, "json", None, protocol=protocol, max_turns=4)
        assert not outcome.success
        assert (outcome.turns, outcome.status, outcome.answer) == (4, "max_turns", None)
        assert len(llm.calls) == 4
        assert outcome.prompt_tokens > 0


def test_an_unknown_protocol_is_refused(my_benchmark: ModuleType) -> None:
    with pytest.raises(ValueError, match="pass@1"):
        run_episode(_task(my_benchmark, "shop-basket"), ScriptedLLM(), "json", None, protocol="x")


ATOMIC_ID = "atomic-calendar-01"  # add_event; a wrong title still books, with the same result


@pytest.fixture(scope="module")
def atomic_task() -> Task:
    task = {t.id: t for t in load_suite("atomic").tasks}[ATOMIC_ID]
    assert task.expected_call is not None and task.expected_call.name == "add_event"
    return task


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_atomic_reference_replies_succeed(atomic_task: Task, fmt: str) -> None:
    llm = ScriptedLLM(_replies(atomic_task, fmt))
    outcome = run_episode(atomic_task, llm, fmt, None, max_turns=5)
    assert outcome.success, outcome.trajectory.messages[-1].content
    assert outcome.turns == len(_replies(atomic_task, fmt))


def test_atomic_reference_succeeds_in_code(atomic_task: Task, kernel: JupyterKernel) -> None:
    llm = ScriptedLLM(_replies(atomic_task, "code"))
    outcome = run_episode(atomic_task, llm, "code", kernel, max_turns=5)
    assert outcome.success and outcome.turns == 2


def _add_event(**changes: Any) -> str:
    assert ATOMIC_ID == "atomic-calendar-01"
    args = {"title": "Book club", "date": "2024-05-15", "start": "19:00", "end": "20:30"}
    return json.dumps({"tool": "add_event", "args": {**args, **changes}})


def test_atomic_wrong_argument_fails_even_with_the_right_answer(atomic_task: Task) -> None:
    solution = _replies(atomic_task, "json")[-1]  # the right final answer
    right = run_episode(atomic_task, ScriptedLLM([_add_event(), solution]), "json", None)
    assert right.success
    wrong = ScriptedLLM([_add_event(title="Book clubs"), solution])
    outcome = run_episode(atomic_task, wrong, "json", None, max_turns=5)
    assert not outcome.success
    assert outcome.status == "finished" and outcome.turns == 2
    # the wrong call ran and gave the expected result: only the argument is judged wrong
    assert "'conflicts': []" in outcome.trajectory.messages[-2].content


@pytest.mark.parametrize(
    ("first", "then", "success"),
    [({"date": "2024-05-16"}, {}, False), ({}, {"date": "2024-05-16"}, True)],
    ids=["wrong-then-right", "right-then-wrong"],
)
def test_atomic_judges_the_first_call_and_gives_no_feedback(
    atomic_task: Task, first: dict[str, str], then: dict[str, str], success: bool
) -> None:
    solution = _replies(atomic_task, "json")[-1]
    replies = [_add_event(**first), _add_event(**then), solution, solution]
    outcome = run_episode(atomic_task, ScriptedLLM(replies), "json", None, max_turns=10)
    assert outcome.success is success
    assert outcome.turns == 3  # no "try again" for atomic cases
    assert all(m.content != FEEDBACK for m in outcome.trajectory.messages)


# --- the grid runner ----------------------------------------------------------------------------


def _grid(out: Path, **overrides: Any) -> GridConfig:
    options: dict[str, Any] = dict(
        suite=SUITE, models=["oracle"], engine="serial", kernel="local", out=out
    )
    return GridConfig(**{**options, **overrides})


@pytest.fixture(scope="module")
def oracle_run(my_benchmark: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The oracle over the example suite, every format, serially: the results file."""
    return run_grid(_grid(tmp_path_factory.mktemp("oracle")))


def _copy(results: Path, tmp_path: Path) -> Path:
    shutil.copytree(results.parent, tmp_path / "out")
    return tmp_path / "out" / "results.jsonl"


def test_the_oracle_solves_every_task_in_every_format(oracle_run: Path) -> None:
    rows = read_rows(oracle_run)
    assert len(rows) == len(_lines(oracle_run)) == 2 * len(FORMATS)
    assert {(r["task"], r["format"]) for r in rows} == {
        (t, f) for t in ("shop-basket", "shop-cheapest") for f in FORMATS
    }
    for row in rows:
        assert row["success"] is True and row["error"] is None, row
        assert (row["suite"], row["model"], row["seed"]) == (SUITE, "oracle", 0)
        assert (row["protocol"], row["max_turns"], row["domain"]) == ("feedback", 10, "shop")
        assert row["status"] == "finished" and row["prompt_tokens"] > 0
    turns = {(r["task"], r["format"]): r["turns"] for r in rows}
    assert turns[("shop-basket", "code")] == 2 and turns[("shop-basket", "json")] == 6


def test_trajectories_are_saved_and_load(oracle_run: Path) -> None:
    for row in read_rows(oracle_run):
        path = Path(row["trajectory"])
        assert path.is_file() and oracle_run.parent in path.parents
        traj = Trajectory.load(path)
        assert traj.meta["task"] == row["task"] and traj.meta["format"] == row["format"]
        assert (traj.turns, traj.status, traj.answer) == (row["turns"], "finished", row["answer"])
        assert traj.usage.prompt_tokens == row["prompt_tokens"]


def test_a_rerun_adds_nothing(oracle_run: Path, tmp_path: Path) -> None:
    results = _copy(oracle_run, tmp_path)
    before = results.read_text()
    seen: list[dict[str, Any]] = []
    run_grid(_grid(results.parent), seen.append)
    assert seen == [] and results.read_text() == before


def test_a_lost_row_is_run_again_and_only_it(oracle_run: Path, tmp_path: Path) -> None:
    results = _copy(oracle_run, tmp_path)
    lines = _lines(results)
    lost = next(i for i, line in enumerate(lines) if json.loads(line)["format"] == "code")
    lost_key = _key(json.loads(lines[lost]))
    results.write_text("".join(line + "\n" for i, line in enumerate(lines) if i != lost))
    seen: list[dict[str, Any]] = []
    run_grid(_grid(results.parent), seen.append)
    assert [_key(r) for r in seen] == [lost_key] and seen[0]["success"]
    rows = read_rows(results)
    assert len(rows) == len(lines) and all(r["success"] for r in rows)


def test_an_error_becomes_a_row_and_is_retried(my_benchmark: ModuleType, tmp_path: Path) -> None:
    replies = tmp_path / "replies.json"  # missing for now
    config = _grid(tmp_path / "out", models=[f"scripted:{replies}"], formats=["json"], limit=1)
    results = run_grid(config)
    [row] = read_rows(results)
    assert row["success"] is False and row["error"].startswith("ConfigError")
    assert str(replies) in row["error"]

    run_grid(config)  # still broken: retried, and still an error
    assert len(_lines(results)) == 2
    [row] = read_rows(results)
    assert row["error"].startswith("ConfigError")

    replies.write_text(json.dumps(["<solution>7.5</solution>"]))
    run_grid(config)  # fixed: retried, and now it counts
    assert len(_lines(results)) == 3
    [row] = read_rows(results)
    assert row["success"] is True and row["error"] is None and row["turns"] == 1
    run_grid(config)
    assert len(_lines(results)) == 3


def test_an_unknown_format_or_engine_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown format 'yaml'"):
        run_grid(_grid(tmp_path, suite="atomic", formats=["yaml"]))
    with pytest.raises(ConfigError, match="unknown engine"):
        run_grid(_grid(tmp_path, engine="threads"))


def test_the_process_engine_agrees_with_serial(oracle_run: Path, tmp_path: Path) -> None:
    results = run_grid(_grid(tmp_path, engine="process", workers=2))

    def outcomes(path: Path) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        rows = read_rows(path)
        assert len(rows) == len(_lines(path))  # each episode ran once
        return {
            _key(r): (r["success"], r["turns"], r["status"], r["answer"], r["error"]) for r in rows
        }

    assert outcomes(results) == outcomes(oracle_run)
    assert all(Path(r["trajectory"]).is_file() for r in read_rows(results))


# --- reports ------------------------------------------------------------------------------------


def test_write_report_writes_markdown_csv_and_png(oracle_run: Path, tmp_path: Path) -> None:
    paths = write_report(oracle_run, tmp_path / "report")
    assert set(paths) == {"md", "csv", "png"}
    assert all(p.parent == tmp_path / "report" for p in paths.values())
    assert paths["png"].read_bytes().startswith(PNG_MAGIC)
    md = paths["md"].read_text()
    assert SUITE in md and "oracle" in md and "**100.0**" in md
    with paths["csv"].open() as f:
        rows = list(csv.DictReader(f))
    assert {r["format"] for r in rows} == set(FORMATS)
    assert all(r["model"] == "oracle" and float(r["success_pct"]) == 100.0 for r in rows)
    assert all(r["n"] == "2" and r["errors"] == "0" for r in rows)


def test_write_report_refuses_an_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "results.jsonl"
    empty.write_text("")
    with pytest.raises(ValueError, match="no rows"):
        write_report(empty)


def _row(model: str, fmt: str, success: bool, turns: int | None, **extra: Any) -> dict[str, Any]:
    row = {"model": model, "format": fmt, "success": success, "max_turns": 10, **extra}
    if turns is not None:
        row["turns"] = turns
    return row


HAND_MADE = [
    _row("m1", "code", True, 2),
    _row("m1", "code", True, 3),
    _row("m1", "code", False, 10),  # a failure counts the turns it used
    _row("m1", "json", True, 4),
    _row("m1", "json", False, 7),
    _row("m1", "json", False, None, error="LLMError: boom"),  # no turns: the limit counts
    _row("m2", "code", False, 5),
    _row("m2", "text", True, 1),
]


def test_summarize_computes_success_and_average_turns_as_in_the_paper() -> None:
    table = summarize(HAND_MADE)
    assert set(table) == {"m1", "m2"}
    assert set(table["m1"]) == {"code", "json"} and set(table["m2"]) == {"code", "text"}
    code = table["m1"]["code"]
    assert (code.n, code.errors) == (3, 0)
    assert code.success_pct == pytest.approx(200 / 3)
    assert code.avg_turns == pytest.approx(15 / 3)
    json_cell = table["m1"]["json"]
    assert (json_cell.n, json_cell.errors) == (3, 1)
    assert json_cell.success_pct == pytest.approx(100 / 3)
    assert json_cell.avg_turns == pytest.approx((4 + 7 + 10) / 3)
    assert table["m2"]["code"].success_pct == 0.0 and table["m2"]["code"].avg_turns == 5.0
    assert table["m2"]["text"].success_pct == 100.0 and table["m2"]["text"].avg_turns == 1.0


def _md_row(md: str, model: str) -> list[str]:
    line = next(x for x in md.splitlines() if x.startswith(f"| {model} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_markdown_bolds_the_best_format_per_model() -> None:
    md = markdown(summarize(HAND_MADE), "hand made")
    assert md.startswith("## hand made\n")
    header = _md_row(md, "model")
    assert header == ["model", "success % code", "success % json", "success % text",
                      "avg turns code", "avg turns json", "avg turns text", "n"]  # fmt: skip
    assert _md_row(md, "m1") == ["m1", "**66.7**", "33.3", "", "**5.00**", "7.00", "", "3"]
    assert _md_row(md, "m2") == ["m2", "0.0", "", "**100.0**", "5.00", "", "**1.00**", "1"]


def test_markdown_bolds_every_tied_format() -> None:
    rows = [_row("m", f, True, 2) for f in FORMATS]
    md = markdown(summarize(rows), "ties")
    n = len(FORMATS)  # code, json, text, tools: four columns of each
    assert n == 4 and _md_row(md, "m") == ["m", *["**100.0**"] * n, *["**2.00**"] * n, "1"]


# --- the command line ---------------------------------------------------------------------------


def _codeact(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(p for p in (str(EXAMPLES), os.environ.get("PYTHONPATH")) if p)
    env = {**os.environ, "PYTHONPATH": path, "COLUMNS": "160", "TERM": "dumb"}
    return subprocess.run(
        [sys.executable, "-m", "codeact", *args],
        capture_output=True, text=True, timeout=timeout, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    out = tmp_path_factory.mktemp("cli") / "bench"
    args = ["bench", "run", "--suite", SUITE, "--llm", "oracle", "--kernel", "local"]
    return _codeact(*args, "--out", str(out)), out


def test_bench_run_prints_the_table(cli_run: CliRun) -> None:
    result, out = cli_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "6 episodes to run" in result.stdout
    table = next(line for line in result.stdout.splitlines() if "oracle" in line)
    assert table.count("100.0") == 3  # the CLI's default formats: the paper's three
    rows = read_rows(out / "results.jsonl")
    assert len(rows) == 6 and all(r["success"] for r in rows)
    assert (out / "report.md").is_file() and (out / "report.png").read_bytes()[:8] == PNG_MAGIC


def test_bench_report_prints_the_table(cli_run: CliRun, tmp_path: Path) -> None:
    _, out = cli_run
    result = _codeact("bench", "report", str(out), "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    table = next(line for line in result.stdout.splitlines() if "oracle" in line)
    assert table.count("100.0") == 3
    assert "success code" in result.stdout and "turns text" in result.stdout
    assert (tmp_path / "report.md").is_file() and (tmp_path / "report.csv").is_file()


def test_bench_report_without_results_is_one_clear_line(tmp_path: Path) -> None:
    result = _codeact("bench", "report", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: no results")
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.slow
def test_bench_run_against_a_real_model_server(model_server: str, tmp_path: Path) -> None:
    out = tmp_path / "bench"
    args = ["bench", "run", "--suite", SUITE, "--llm", "openai:smollm2", "--base-url",
            model_server, "--formats", "code,json", "--kernel", "local", "--max-turns", "2",
            "--max-reply-tokens", "64", "--out", str(out)]  # fmt: skip
    result = _codeact(*args, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = read_rows(out / "results.jsonl")
    assert len(_lines(out / "results.jsonl")) == len(rows) == 4
    assert {(r["task"], r["format"]) for r in rows} == {
        (t, f) for t in ("shop-basket", "shop-cheapest") for f in ("code", "json")
    }
    for row in rows:
        assert row["error"] is None, row
        assert row["model"] == "openai:smollm2"
        assert 1 <= row["turns"] <= 2 and row["prompt_tokens"] > 0
        assert Trajectory.load(row["trajectory"]).turns == row["turns"]


def test_an_explicit_default_argument_is_the_same_call() -> None:
    from codeact.bench.recording import recording
    from codeact.bench.scoring import call_matches
    from codeact.bench.suite import Call
    from codeact.tools import tool

    @tool
    def weather(city: str, unit: str = "C") -> str:
        """Weather in a city."""
        return f"12 {unit}"

    (wrapped,), log = recording([weather])
    wrapped("Oslo", unit="C")
    wrapped(city="Oslo", unit="F")
    assert call_matches(log.calls[0][0], Call("weather", {"city": "Oslo"}))
    assert not call_matches(log.calls[1][0], Call("weather", {"city": "Oslo"}))


# --- a foreign suite: no references, odd ids, chosen tasks, per-task scripted replies ------------


def _foreign_suite(with_reference: bool) -> Any:
    from codeact.bench.suite import Suite, planned_task

    module = ModuleType("foreign_bench")
    shop = importlib.import_module(SUITE)
    tasks = [
        planned_task("shop", "a/b", "Price of apple?", [], "print(price('apple'))", 0.5,
                     shop.make_tools),
        Task("shop-bare", "shop", "Price of bread?", 2.25, shop.make_tools),  # no reference
    ]  # fmt: skip
    if not with_reference:
        tasks = [tasks[1]]
    module.SUITE = Suite("foreign-bench", "ported", tasks)  # type: ignore[attr-defined]
    return module


def test_the_oracle_skips_tasks_without_references(
    my_benchmark: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codeact.bench.runner import check_grid

    monkeypatch.setitem(sys.modules, "foreign_bench", _foreign_suite(with_reference=True))
    config = _grid(tmp_path, suite="foreign_bench", formats=["json"])
    assert any(
        "oracle: 1 tasks skipped in the json format (no reference solution" in n
        for n in check_grid(config)
    )
    rows = read_rows(run_grid(config))
    assert [(r["task"], r["success"]) for r in rows] == [("shop-a/b", True)]
    # a "/" in the id is part of the file name, not a folder
    path = Path(rows[0]["trajectory"])
    assert path.parent == tmp_path / "trajectories" / "foreign_bench" / "oracle" / "json"
    assert path.name == "shop-a%2Fb-s0-feedback.json" and path.is_file()


def test_a_suite_without_references_is_refused_for_the_oracle(
    my_benchmark: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "foreign_bench", _foreign_suite(with_reference=False))
    with pytest.raises(ConfigError, match=r"oracle cannot play any task .* in the code format"):
        run_grid(_grid(tmp_path, suite="foreign_bench"))
    assert not (tmp_path / "results.jsonl").exists()


def test_chosen_tasks_and_per_task_scripted_replies(
    my_benchmark: ModuleType, tmp_path: Path
) -> None:
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps({"tasks": {"shop-cheapest": ["<solution>apple</solution>"],
                                             "shop-basket": ["<solution>7.5</solution>"]}}))  # fmt: skip
    config = _grid(tmp_path / "out", models=[f"scripted:{replies}"], formats=["json"],
                   tasks=["shop-ch*"])  # fmt: skip
    rows = read_rows(run_grid(config))
    assert [(r["task"], r["success"], r["answer"]) for r in rows] == [
        ("shop-cheapest", True, "apple")
    ]
    with pytest.raises(ConfigError, match="no task matches 'nope'"):
        run_grid(_grid(tmp_path / "x", tasks=["nope"]))


def test_a_registered_suite_is_found_by_its_own_name(tmp_path: Path) -> None:
    """An entry point named `shop` whose suite calls itself `foreign-bench`."""
    package = tmp_path / "site"
    (package / "foreign_pkg").mkdir(parents=True)
    (package / "foreign_pkg" / "__init__.py").write_text(
        "from my_benchmark import SUITE as _S\nfrom codeact.bench.suite import Suite\n"
        "SUITE = Suite('foreign-bench', 'ported', _S.tasks)\n"
    )
    dist = package / "foreign_pkg-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: foreign-pkg\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[codeact.benchmarks]\nshop = foreign_pkg\n")
    path = os.pathsep.join([str(package), str(EXAMPLES), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path, "COLUMNS": "160", "TERM": "dumb"}
    for name in ("shop", "foreign-bench"):
        result = subprocess.run(
            [sys.executable, "-m", "codeact", "bench", "run", "--suite", name, "--llm", "oracle",
             "--formats", "json", "--task", "shop-basket", "--out", str(tmp_path / name)],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 episodes to run" in result.stdout
