"""The training-data environments, one module each, behind `codeact.data.envs.base.Environment`.

| name | data format | what the model does |
|---|---|---|
| `search` | HotpotQA (distractor) JSON | answers a multi-hop question with `wikipedia_search` |
| `math` | MATH JSON / JSONL | solves a competition-style problem, checked by math-verify |
| `code` | APPS JSONL or folders | writes a program, tested in a fresh sandboxed kernel |
| `table` | WikiTableQuestions TSV + CSV | answers a question about a table given as `conn` or `df` |
| `household` | ALFWorld-style task JSONL | acts in a text household through host tools |

As a benchmark suite an environment is `data:ENV[:SPLIT[:PATH]]` (split `train` by default; the
sample shipped in the package unless PATH points at the real data set), so generation is a grid
run of `codeact.bench.runner`: `load_suite("data:math:test")`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from codeact.bench.suite import Suite
from codeact.data.envs.base import Environment, pick_split
from codeact.errors import ConfigError

ENVIRONMENTS = {
    "search": "codeact.data.envs.search:SearchEnv",
    "math": "codeact.data.envs.math:MathEnv",
    "code": "codeact.data.envs.code:CodeEnv",
    "table": "codeact.data.envs.table:TableEnv",
    "household": "codeact.data.envs.household:HouseholdEnv",
}


def get_env(name: str) -> Environment:  # type: ignore[type-arg]
    if name not in ENVIRONMENTS:
        raise ConfigError(f"unknown environment {name!r}; choose from {', '.join(ENVIRONMENTS)}")
    module, _, cls = ENVIRONMENTS[name].partition(":")
    env: Environment = getattr(importlib.import_module(module), cls)()  # type: ignore[type-arg]
    return env


def suite_name(env: str, split: str = "train", path: str | Path | None = None) -> str:
    return f"data:{env}:{split}" + (f":{path}" if path else "")


def make_suite(argument: str) -> Suite:
    """The suite for 'ENV[:SPLIT[:PATH]]' (see the module docstring)."""
    env_name, _, rest = argument.partition(":")
    split, _, path = rest.partition(":")
    env = get_env(env_name)
    split = pick_split(split or "train")
    tasks = env.tasks(split, Path(path) if path else None)
    if not tasks:
        raise ConfigError(f"the {env_name} {split} data at {path or 'the sample'} has no tasks")
    return Suite(suite_name(env_name, split, path or None), env.description, tasks)


__all__ = ["ENVIRONMENTS", "get_env", "make_suite", "suite_name"]
