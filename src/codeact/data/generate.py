"""Generation: each environment's split as a grid run of the benchmark runner, with a teacher.

The defaults are the protocol CodeActInstruct was collected under: at most 5 turns, at most 2
proposed solutions, a countdown of the turns and solutions left after every observation, and
temperature 0. Everything goes to one folder: the runner's resumable `results.jsonl` and one
trajectory per episode (its metadata: environment, task, teacher, success, turns, errors
recovered, tokens). A rerun of the same command skips what is done and retries what errored. A
fallback teacher reruns, after the first pass, the tasks the first teacher did not solve.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeact.bench.runner import GridConfig, pending, read_rows, run_grid
from codeact.data.envs import get_env, suite_name
from codeact.errors import ConfigError

Row = dict[str, Any]


@dataclass
class GenerateConfig:
    envs: list[str]
    teacher: str = "expert"
    out: Path = Path("runs/data")
    split: str = "train"
    n: int | None = None  # the first N tasks of each environment
    seeds: int = 1
    fallback_teacher: str | None = None
    data: dict[str, Path] = field(default_factory=dict)  # env -> the real data set's path
    max_turns: int = 5
    max_solutions: int | None = 2
    countdown: bool = True
    temperature: float = 0.0
    max_tokens: int = 1024
    mistakes: float = 0.5  # how often the expert errs first, then recovers
    workers: int = 2
    engine: str = "process"
    kernel: str = "sandbox"
    base_url: str | None = None
    api_key: str | None = None

    def __post_init__(self) -> None:
        for env in self.envs:
            get_env(env)  # an unknown name fails here, before anything runs
        unknown = set(self.data) - set(self.envs)
        if unknown:
            raise ConfigError(
                f"--data names environments that are not generated: {sorted(unknown)}"
            )
        if not 0.0 <= self.mistakes <= 1.0:
            raise ConfigError("--mistakes is a rate between 0 and 1")


def grids(config: GenerateConfig) -> list[GridConfig]:
    """One grid per environment, all writing to the same folder."""
    threads = max(1, (os.cpu_count() or 1) // max(1, config.workers))
    options: dict[str, dict[str, Any]] = {
        "*": {"max_tokens": config.max_tokens, "temperature": config.temperature},
        "openai": {"base_url": config.base_url, "api_key": config.api_key},
        "local": {"n_threads": threads},
        "expert": {"mistakes": config.mistakes},
    }
    return [
        GridConfig(
            suite_name(env, config.split, config.data.get(env)),
            [config.teacher],
            formats=["code"],
            seeds=list(range(config.seeds)),
            max_turns=config.max_turns,
            kernel=config.kernel,
            out=config.out,
            workers=config.workers,
            engine=config.engine,
            limit=config.n,
            llm_options=options,
            max_solutions=config.max_solutions,
            countdown=config.countdown,
        )
        for env in config.envs
    ]


def todo(config: GenerateConfig) -> int:
    return sum(pending(grid) for grid in grids(config))


def generate(config: GenerateConfig, on_row: Callable[[Row], None] | None = None) -> Path:
    """Run the first teacher over every environment, then the fallback over what it missed."""
    results = config.out / "results.jsonl"
    for grid in grids(config):
        run_grid(grid, on_row)
    if config.fallback_teacher:
        for grid in fallback_grids(config):
            run_grid(grid, on_row)
    return results


def fallback_grids(config: GenerateConfig) -> list[GridConfig]:
    """The fallback teacher's grids: only the tasks the first teacher finished without solving."""
    rows = read_rows(config.out / "results.jsonl")
    out = []
    for grid in grids(config):
        missed = sorted({r["task"] for r in rows if r["suite"] == grid.suite
                         and r["model"] == config.teacher and not r.get("error") and not r["success"]})  # fmt: skip
        if missed and config.fallback_teacher:
            grid.models, grid.tasks = [config.fallback_teacher], missed
            out.append(grid)
    return out
