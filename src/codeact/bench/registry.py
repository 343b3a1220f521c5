"""Finding suites by name: built-ins, `codeact.benchmarks` entry points, or an import path.

A suite is any module or object with a `SUITE: Suite` attribute (or a Suite itself), so adding a
benchmark needs no change to the harness:

    codeact bench run --suite mypkg.mybench          # a module defining SUITE
    [project.entry-points."codeact.benchmarks"]      # or, in your pyproject.toml
    mybench = "mypkg.mybench"

A registered suite is found by its entry point's name and by its own name (`Suite.name`) too.
A module with `make_suite(argument)` instead of a SUITE is a suite that takes an argument:
`NAME:ARGUMENT` (the training-data environments: `data:math:train`).
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any

from codeact.bench.suite import Suite
from codeact.errors import ConfigError

BUILTIN = {
    "travel": "codeact.bench.tasks.travel",
    "trade": "codeact.bench.tasks.trade",
    "dna": "codeact.bench.tasks.dna",
    "decoding": "codeact.bench.tasks.decoding",
    "web": "codeact.bench.tasks.web",
    "atomic": "codeact.bench.tasks.atomic",
}
# built-in suites that take an argument: the training-data environments, data:ENV:SPLIT[:PATH]
PARAMETRIZED = {"data": "codeact.data.envs"}
# the multi-tool, multi-turn suite (M3ToolEval-style) is the five domains together
GROUPS = {"multiturn": ["travel", "trade", "dna", "decoding", "web"]}


def load_suite(name: str) -> Suite:
    if name in GROUPS:
        parts = [load_suite(n) for n in GROUPS[name]]
        tasks = [t for part in parts for t in part.tasks]
        return Suite(name, f"{', '.join(GROUPS[name])} together", tasks, "multi_turn")
    base, sep, argument = name.partition(":")
    if sep:  # 'data:math:train' is make_suite("math:train") of the module 'data' names
        make_suite = getattr(_find(base), "make_suite", None)
        if make_suite is None:
            raise ConfigError(f"suite {base!r} takes no argument (it has no make_suite)")
        return _as_suite(name, make_suite(argument))
    return _as_suite(name, _find(name))


def _find(name: str) -> Any:
    builtin = {**BUILTIN, **PARAMETRIZED}
    if name in builtin:
        return importlib.import_module(builtin[name])
    registered = entry_points(group="codeact.benchmarks")
    for ep in registered:
        if ep.name == name:
            return ep.load()
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        for ep in registered:  # the suite's own name, which may differ from its entry point's
            found = ep.load()
            suite = found if isinstance(found, Suite) else getattr(found, "SUITE", None)
            if isinstance(suite, Suite) and suite.name == name:
                return suite
        takes = [f"{n}:…" for n in PARAMETRIZED]
        known = ", ".join([*BUILTIN, *GROUPS, *takes, *(ep.name for ep in registered)])
        raise ConfigError(f"unknown suite {name!r} ({exc}); known: {known}") from exc


def _as_suite(name: str, found: Any) -> Suite:
    suite = found if isinstance(found, Suite) else getattr(found, "SUITE", None)
    if not isinstance(suite, Suite):
        raise ConfigError(f"{name!r} has no SUITE (a codeact.bench.suite.Suite)")
    return suite
