"""The Ray engine runs the same grid as the process pool (a local Ray cluster, started here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codeact.bench.runner import GridConfig, read_rows, run_grid

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.slow
def test_ray_engine_runs_the_grid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ray = pytest.importorskip("ray")
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setenv("PYTHONPATH", str(EXAMPLES))  # Ray's workers import the suite too
    config = GridConfig(
        "my_benchmark", ["oracle"], ["code", "json"], kernel="local", out=tmp_path, engine="ray"
    )
    try:
        ray.init(
            num_cpus=2,
            include_dashboard=False,
            runtime_env={"env_vars": {"PYTHONPATH": str(EXAMPLES)}},
        )
        rows = read_rows(run_grid(config))
    finally:
        ray.shutdown()
    assert len(rows) == 4
    assert all(r["success"] and not r["error"] for r in rows)
    assert {r["format"] for r in rows} == {"code", "json"}
