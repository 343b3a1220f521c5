"""The fourth format in the benchmark: the oracle replays every task's reference as native
function calls (`--formats tools`) and must score 100% on both built-in suites, as it does in
the other formats; the report then has a column per format, tools among them."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeact.bench.report import formats_in, summarize
from codeact.bench.runner import GridConfig, check_grid, read_rows, run_grid
from codeact.errors import ConfigError


@pytest.mark.parametrize("suite", ["multiturn", "atomic"])
def test_the_oracle_scores_100_percent_with_native_calls(suite: str, tmp_path: Path) -> None:
    config = GridConfig(suite, ["oracle"], ["tools"], out=tmp_path, engine="serial")
    check_grid(config)
    rows = read_rows(run_grid(config))
    failed = [r["task"] for r in rows if not r["success"] or r.get("error")]
    assert len(rows) >= 60 and failed == []
    cell = summarize(rows)["oracle"]["tools"]
    assert cell.success_pct == 100.0
    if suite == "multiturn":  # one call per turn, as in the json and text formats
        assert cell.avg_turns > 2.0


def test_the_report_has_a_column_per_format(tmp_path: Path) -> None:
    config = GridConfig(
        "travel", ["oracle"], ["code", "json", "text", "tools"], out=tmp_path, engine="serial",
        kernel="local", per_domain=1,
    )  # fmt: skip
    table = summarize(read_rows(run_grid(config)))
    assert formats_in(table) == ["code", "json", "text", "tools"]
    assert all(cell.success_pct == 100.0 for cell in table["oracle"].values())


def test_a_model_without_native_calls_is_refused_before_any_episode(tmp_path: Path) -> None:
    config = GridConfig("atomic", ["local"], ["json", "tools"], out=tmp_path)
    with pytest.raises(ConfigError, match="native function calling, which local does not offer"):
        check_grid(config)
