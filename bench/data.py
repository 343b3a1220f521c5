"""Training-data figures: expert-teacher generation throughput and the whole pipeline. Prints JSON.

    .venv/bin/python bench/data.py [--quick]

- generation_throughput: trajectories per minute with the expert teacher on the process pool
  (sandboxed kernels, the paper's protocol), with 1 and 2 workers, over the same tasks (20 per
  environment). Baseline, in the same run: the benchmark runner's oracle over as many `multiturn`
  code episodes with 2 workers (the same grid machinery with no environment work).
- pipeline: wall time of generate (>= 1,000 trajectories: 200 training tasks in each of the five
  environments, 2 workers), filter, export (every format, mixed with the general sample) and
  stats (embedded tokenizer). Target: under 10 minutes on 2 cores. The filter report and the
  stats table come with it.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from codeact.bench.runner import GridConfig, read_rows, run_grid
from codeact.data import stats
from codeact.data.dataset import read_trajectories, write_trajectories
from codeact.data.envs import ENVIRONMENTS
from codeact.data.export import GENERAL_SAMPLE, ExportConfig, export
from codeact.data.filter import filter_trajectories
from codeact.data.generate import GenerateConfig, generate

ENVS = list(ENVIRONMENTS)


def _generate(out: Path, n: int, workers: int) -> tuple[int, float]:
    started = time.perf_counter()
    results = generate(GenerateConfig(envs=ENVS, n=n, out=out, workers=workers))
    seconds = time.perf_counter() - started
    rows = read_rows(results)
    assert not [r for r in rows if r.get("error")], "some episodes failed to run"
    return len(rows), seconds


def throughput(root: Path, per_env: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for workers in (1, 2):
        count, seconds = _generate(root / f"throughput-{workers}", per_env, workers)
        figures[f"workers_{workers}"] = {
            "trajectories": count, "seconds": round(seconds, 1),
            "per_minute": round(60 * count / seconds, 1),
        }  # fmt: skip
    started = time.perf_counter()
    grid = GridConfig("multiturn", ["oracle"], ["code"], out=root / "oracle", workers=2,
                      limit=per_env * len(ENVS))  # fmt: skip
    oracle = len(read_rows(run_grid(grid)))
    seconds = time.perf_counter() - started
    figures["baseline_bench_oracle_2_workers"] = {
        "episodes": oracle, "seconds": round(seconds, 1), "per_minute": round(60 * oracle / seconds, 1),
    }  # fmt: skip
    figures["speedup_2_vs_1_workers"] = round(
        figures["workers_2"]["per_minute"] / figures["workers_1"]["per_minute"], 2
    )
    return figures


def pipeline(root: Path, per_env: int) -> dict[str, Any]:
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    count, seconds["generate"] = _generate(root / "gen", per_env, 2)

    mark = time.perf_counter()
    kept, report = filter_trajectories(read_trajectories(root / "gen"))
    write_trajectories(root / "kept.jsonl", kept)
    seconds["filter"] = time.perf_counter() - mark

    mark = time.perf_counter()
    manifest = export(read_trajectories(root / "kept.jsonl"),
                      ExportConfig(root / "export", ["messages", "sharegpt", "hf"], [Path(GENERAL_SAMPLE)], 0.1))  # fmt: skip
    seconds["export"] = time.perf_counter() - mark

    mark = time.perf_counter()
    rows = stats.compute(read_trajectories(root / "kept.jsonl"), stats.get_tokenizer())
    stats.write(rows, root / "stats")
    seconds["stats"] = time.perf_counter() - mark
    total = time.perf_counter() - started
    return {
        "trajectories_generated": count,
        "seconds": {k: round(v, 1) for k, v in seconds.items()} | {"total": round(total, 1)},
        "target_seconds": 600,
        "filter": report.to_dict(),
        "exported_rows": manifest["rows"],
        "stats_markdown": stats.markdown(rows),
        "stats": [r.__dict__ for r in rows],
    }


def main() -> None:
    quick = "--quick" in sys.argv
    with tempfile.TemporaryDirectory(prefix="codeact-data-bench-") as tmp:
        root = Path(tmp)
        result = {
            "generation_throughput": throughput(root, 4 if quick else 20),
            "pipeline": pipeline(root / "pipeline", 10 if quick else 200),
        }
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
