"""The run grid: task x model x format x seed, run concurrently, resumable.

Results go to `OUT/results.jsonl`, one row per episode, keyed by suite, task, model, format, seed
and protocol; a rerun skips the keys already there (rows that errored are retried), so an
interrupted run loses nothing. Each row's trajectory is saved under `OUT/trajectories/`.

Engines: `process` (a local process pool, the default), `serial` (in this process), and `ray`
(`pip install 'codeact[ray]'`; connects to a running cluster or starts a local one).

The model `oracle` replays each task's reference solution for the format with the scripted LLM;
tasks without a reference for a format are skipped, with a notice. `scripted:FILE` models get
the replies the file gives each task (see codeact.llms.scripted). The model `expert` is the task's
own reactive teacher (data environments), with the options `llm_options["expert"]` gives it
(`mistakes`: how often it errs first and then recovers).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import quote

from codeact.bench.episode import PROTOCOLS, run_episode
from codeact.bench.registry import load_suite
from codeact.bench.suite import FORMATS, Suite, Task
from codeact.contracts import LLM, Kernel
from codeact.errors import CodeActError, ConfigError, MissingDependency
from codeact.kernels.pool import KernelPool

ORACLE = "oracle"
EXPERT = "expert"
ENGINES = ("process", "serial", "ray")
KEY_FIELDS = ("suite", "task", "model", "format", "seed", "protocol")


@dataclass(frozen=True)
class Job:
    suite: str
    task: str
    model: str
    format: str
    seed: int
    protocol: str
    max_turns: int
    kernel: str
    out: str
    llm_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    max_solutions: int | None = None
    countdown: bool = False

    @property
    def key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, f) for f in KEY_FIELDS)


@dataclass
class GridConfig:
    suite: str
    models: list[str]
    formats: list[str] = field(default_factory=lambda: list(FORMATS))
    seeds: list[int] = field(default_factory=lambda: [0])
    protocol: str = "feedback"
    max_turns: int = 10
    kernel: str = "sandbox"
    out: Path = Path("runs/bench")
    workers: int = 2
    engine: str = "process"
    limit: int | None = None
    per_domain: int | None = None  # the first N tasks of each domain (a stratified sample)
    # options for get_llm by provider ("openai", "local", ...); "*" applies to every provider
    llm_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    tasks: list[str] = field(default_factory=list)  # task ids or globs; empty: every task
    max_solutions: int | None = None  # wrong answers before the episode ends (see episode.py)
    countdown: bool = False  # tell the model the turns and solutions it has left


def plan(config: GridConfig, suite: Suite) -> list[Job]:
    unknown = set(config.formats) - set(FORMATS)
    if unknown:
        raise ConfigError(f"unknown formats {sorted(unknown)}; choose from {', '.join(FORMATS)}")
    tasks = sample(chosen(suite.tasks, config.tasks), config.limit, config.per_domain)
    return [
        Job(config.suite, t.id, model, fmt, seed, config.protocol, config.max_turns,
            config.kernel, str(config.out), config.llm_options, config.max_solutions,
            config.countdown)
        for model in config.models for fmt in config.formats for seed in config.seeds
        for t in tasks if model != ORACLE or fmt in t.reference
    ]  # fmt: skip


def check_grid(config: GridConfig) -> list[str]:
    """Refuse a grid that cannot run, before any episode: an unknown engine, format, model or
    task. Returns notices for what will be skipped (oracle tasks without references)."""
    from codeact.llms import check_spec

    if config.engine not in ENGINES:
        raise ConfigError(f"unknown engine {config.engine!r}; choose from {', '.join(ENGINES)}")
    if config.protocol not in PROTOCOLS:
        raise ConfigError(
            f"unknown protocol {config.protocol!r}; choose from {', '.join(PROTOCOLS)}"
        )
    if config.max_turns < 1:
        raise ConfigError(f"--max-turns must be at least 1 (got {config.max_turns})")
    for model in config.models:
        if model not in (ORACLE, EXPERT):
            check_spec(model)
    suite = load_suite(config.suite)
    plan(config, suite)  # checks the formats and the task patterns
    if ORACLE not in config.models:
        return []
    return _oracle_gaps(suite, chosen(suite.tasks, config.tasks), config.formats)


def _oracle_gaps(suite: Suite, tasks: list[Task], formats: list[str]) -> list[str]:
    notices = []
    for fmt in formats:
        missing = [t.id for t in tasks if fmt not in t.reference]
        if len(missing) == len(tasks):
            raise ConfigError(
                f"suite {suite.name!r} has no reference solutions in the {fmt} format: "
                "the oracle cannot run it (drop the format, or give the tasks references)"
            )
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            notices.append(
                f"oracle: {len(missing)} tasks have no {fmt} reference and are skipped ({shown})"
            )
    return notices


def chosen(tasks: list[Task], patterns: list[str]) -> list[Task]:
    """The tasks whose id matches one of `patterns` (ids or globs); all of them when none."""
    if not patterns:
        return tasks
    unmatched = [p for p in patterns if not any(fnmatchcase(t.id, p) for t in tasks)]
    if unmatched:
        raise ConfigError(f"no task matches {', '.join(map(repr, unmatched))}")
    return [t for t in tasks if any(fnmatchcase(t.id, p) for p in patterns)]


def sample(tasks: list[Task], limit: int | None, per_domain: int | None) -> list[Task]:
    """The first `per_domain` tasks of each domain, then the first `limit` of those."""
    if per_domain:
        counts: Counter[str] = Counter()
        picked = []
        for task in tasks:
            if counts[task.domain] < per_domain:
                picked.append(task)
                counts[task.domain] += 1
        tasks = picked
    return tasks[:limit] if limit else tasks


def run_grid(config: GridConfig, on_row: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """Run every job not already in the results file; returns the results path."""
    check_grid(config)
    config.out.mkdir(parents=True, exist_ok=True)
    results = config.out / "results.jsonl"
    done = finished_keys(results)
    jobs = [j for j in plan(config, load_suite(config.suite)) if j.key not in done]
    with results.open("a") as sink:
        for row in _engine(config)(jobs, config.workers):
            sink.write(json.dumps(row) + "\n")
            sink.flush()
            if on_row is not None:
                on_row(row)
    return results


def pending(config: GridConfig) -> int:
    done = finished_keys(config.out / "results.jsonl")
    return sum(j.key not in done for j in plan(config, load_suite(config.suite)))


def finished_keys(results: Path) -> set[tuple[Any, ...]]:
    return {tuple(r[f] for f in KEY_FIELDS) for r in read_rows(results) if not r.get("error")}


def read_rows(results: Path) -> list[dict[str, Any]]:
    """The rows of a results file; the last row of a key wins (reruns append)."""
    if not results.exists():
        return []
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for line in results.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            rows[tuple(row[f] for f in KEY_FIELDS)] = row
    return list(rows.values())


# --- engines ---------------------------------------------------------------------------------

Engine = Callable[[list[Job], int], Iterable[dict[str, Any]]]


def _engine(config: GridConfig) -> Engine:
    engines: dict[str, Engine] = {"serial": _serial, "process": _process_pool, "ray": _ray}
    return engines[config.engine]


def _serial(jobs: list[Job], workers: int) -> Iterator[dict[str, Any]]:
    for job in jobs:
        yield run_job(job)


def _process_pool(jobs: list[Job], workers: int) -> Iterator[dict[str, Any]]:
    if workers <= 1 or len(jobs) <= 1:
        yield from _serial(jobs, workers)
        return
    # spawn: workers start clean (no inherited threads or sockets), each with its own kernel pool
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(run_job, job) for job in _interleave(jobs)]
        for future in as_completed(futures):
            yield future.result()


def _ray(jobs: list[Job], workers: int) -> Iterator[dict[str, Any]]:
    try:
        import ray
    except ImportError as exc:
        raise MissingDependency("ray", "ray", "the ray engine") from exc
    if not ray.is_initialized():
        ray.init(address=os.environ.get("RAY_ADDRESS"), ignore_reinit_error=True)
    remote = ray.remote(run_job)
    waiting = [remote.remote(job) for job in jobs]
    while waiting:
        ready, waiting = ray.wait(waiting, num_returns=1)
        yield ray.get(ready[0])


def _interleave(jobs: list[Job]) -> list[Job]:
    """Code jobs (which boot kernels) spread among the cheap ones, to keep every worker busy."""
    code = [j for j in jobs if j.format == "code"]
    rest = [j for j in jobs if j.format != "code"]
    mixed: list[Job] = []
    while code or rest:
        if code:
            mixed.append(code.pop(0))
        mixed.extend(rest[:2])
        rest = rest[2:]
    return mixed


# --- one job (runs in a worker) -----------------------------------------------------------


def run_job(job: Job) -> dict[str, Any]:
    """Run one episode and return its row; errors become a row, never a crash."""
    row: dict[str, Any] = {**{f: getattr(job, f) for f in KEY_FIELDS}, "max_turns": job.max_turns}
    try:
        task = _tasks(job.suite)[job.task]
        kernel = _kernel(job.kernel) if job.format == "code" else None
        try:
            outcome = run_episode(
                task, _llm(job, task), job.format, kernel,
                protocol=job.protocol, max_turns=job.max_turns, max_solutions=job.max_solutions,
                countdown=job.countdown, new_kernel=lambda: _kernel(job.kernel),
            )  # fmt: skip
        finally:
            if kernel is not None:
                kernel.shutdown()  # a kernel serves one episode only
    except CodeActError as exc:
        return {**row, "success": False, "error": f"{type(exc).__name__}: {exc}"}
    path = _trajectory_path(job)
    outcome.trajectory.meta.update(
        task=job.task, suite=job.suite, domain=task.domain, model=job.model, seed=job.seed,
        success=outcome.success, errors_recovered=outcome.errors_recovered,
    )  # fmt: skip
    outcome.trajectory.save(path)
    result = asdict(outcome)
    del result["trajectory"]
    return {**row, **result, "domain": task.domain, "trajectory": str(path), "error": None}


@functools.cache
def _tasks(suite: str) -> dict[str, Task]:
    return {t.id: t for t in load_suite(suite).tasks}


def _llm(job: Job, task: Task) -> LLM:
    if job.model == ORACLE:
        from codeact.llms.scripted import ScriptedLLM

        return ScriptedLLM(task.reference[job.format], name=ORACLE)
    provider = job.model.partition(":")[0]
    options = {**job.llm_options.get("*", {}), **job.llm_options.get(provider, {})}
    if job.model == EXPERT:
        if task.expert is None:
            raise ConfigError(f"task {task.id} has no expert teacher")
        return task.expert(job.seed, float(job.llm_options.get(EXPERT, {}).get("mistakes", 0.0)))
    if provider == "scripted":  # replies are consumed: each episode replays the file afresh
        from codeact.llms import get_llm

        return get_llm(job.model, task=job.task)
    return _shared_llm(job.model, json.dumps(options, sort_keys=True))


@functools.cache
def _shared_llm(spec: str, options_json: str) -> LLM:
    from codeact.llms import get_llm

    return get_llm(spec, **json.loads(options_json))


def _kernel(name: str) -> Kernel:
    return _pool(name).acquire()


@functools.cache
def _pool(name: str) -> KernelPool:
    from codeact.kernels import get_kernel

    pool = KernelPool(lambda: get_kernel(name, timeout=30), size=1)
    atexit.register(pool.close)  # no warm kernel (or its cgroup) outlives the worker
    return pool


def _trajectory_path(job: Job) -> Path:
    """One file per row. Names are percent-encoded: a "/" in a task id, a suite or a model
    name stays in the file name instead of making folders (and ".." cannot climb out)."""
    name = f"{job.task}-s{job.seed}-{job.protocol.replace('@', 'at')}.json"
    parts = (job.suite, job.model, job.format, name)
    return Path(job.out, "trajectories", *map(_file_name, parts))


def _file_name(text: str) -> str:
    name = quote(text, safe="")
    return "%2E" + name[1:] if name.startswith(".") else name
