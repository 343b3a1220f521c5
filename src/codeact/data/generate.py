"""Generation: each environment's split as a grid run of the benchmark runner, with a teacher.

The defaults are the protocol CodeActInstruct was collected under: at most 5 turns, at most 2
proposed solutions, a countdown of the turns and solutions left after every observation, and
temperature 0. Everything goes to one folder: the runner's resumable `results.jsonl` and one
trajectory per episode (its metadata: environment, task, teacher, success, turns, errors
recovered, tokens). A rerun of the same command skips what is done and retries what errored. A
fallback teacher reruns, after the first pass, the tasks the first teacher did not solve.

Each teacher gets the options of the command that its backend takes (checked against its
constructor): `max_tokens` every one, `mistakes` the expert, `temperature`, `base_url` and
`api_key` the backends that have them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codeact.bench.runner import GridConfig, pending, read_rows, run_grid
from codeact.data.envs import get_env, suite_name
from codeact.errors import ConfigError
from codeact.llms import llm_class
from codeact.registry import option_names

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
            llm_options=teacher_options(config.teacher, config),
            max_solutions=config.max_solutions,
            countdown=config.countdown,
        )
        for env in config.envs
    ]


def teacher_options(teacher: str, config: GenerateConfig) -> dict[str, Any]:
    """The command's options that `teacher`'s backend takes (see the module docstring)."""
    given = {
        "max_tokens": config.max_tokens, "temperature": config.temperature,
        "mistakes": config.mistakes, "base_url": config.base_url, "api_key": config.api_key,
    }  # fmt: skip
    takes = option_names(llm_class(teacher))
    return {k: v for k, v in given.items() if v is not None and (takes is None or k in takes)}


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
            grid.llm_options = teacher_options(config.fallback_teacher, config)
            out.append(grid)
    return out
