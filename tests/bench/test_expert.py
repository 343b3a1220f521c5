"""`--llm expert`: a task's own reactive teacher is an ordinary per-episode backend. It plays the
data environments' tasks through the grid, takes its `mistakes` option like any backend option,
and covers only tasks that have a teacher, in formats that run code."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeact.bench.runner import GridConfig, check_grid, read_rows, run_grid
from codeact.errors import ConfigError
from codeact.llms import check_spec, get_llm


def test_the_expert_plays_data_tasks_through_the_grid_with_its_option(tmp_path: Path) -> None:
    grid = GridConfig(
        "data:math:test", ["expert"], formats=["code"], max_turns=5, kernel="local",
        out=tmp_path, engine="serial", limit=2, llm_options={"mistakes": 1.0},
        max_solutions=2, countdown=True,
    )  # fmt: skip
    rows = read_rows(run_grid(grid))
    assert len(rows) == 2 and all(r["error"] is None for r in rows), rows
    # every run errs first (mistakes=1.0), sees the traceback and recovers within the budget
    assert all(r["success"] and r["errors_recovered"] >= 1 and r["turns"] <= 5 for r in rows)


def test_the_expert_covers_only_tasks_with_a_teacher_in_formats_that_run_code(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match="expert cannot play any task of suite 'data:math:test' "
                       r"in the json format \(no expert teacher for it\)"):  # fmt: skip
        check_grid(GridConfig("data:math:test", ["expert"], formats=["json"], out=tmp_path))
    with pytest.raises(ConfigError, match="expert cannot play any task of suite 'dna'"):
        check_grid(GridConfig("dna", ["expert"], formats=["code"], out=tmp_path))


def test_the_expert_outside_a_benchmark_and_its_options_are_clear_errors() -> None:
    with pytest.raises(ConfigError, match="it runs in `codeact bench run` and `codeact data"):
        get_llm("expert")
    with pytest.raises(ConfigError, match="takes no option 'temperature'; its options: episode"):
        check_spec("expert", temperature=0.2)
