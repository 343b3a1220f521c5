"""The run grid: task x model x format x seed, run concurrently, resumable.

Results go to `OUT/results.jsonl`, one row per episode, keyed by suite, task, model, format, seed
and protocol; a rerun skips the keys already there (rows that errored are retried), so an
interrupted run loses nothing. Each row's trajectory is saved under `OUT/trajectories/`.

Engines: `process` (a local process pool, the default), `serial` (in this process), and `ray`
(`pip install 'codeact[ray]'`; connects to a running cluster or starts a local one).

Models and formats are whatever the registries find (built-ins, entry points, import paths); the
runner asks them what they need rather than knowing their names. A format that runs code gets a
fresh kernel per episode. A backend that declares `per_episode` is built for each episode: the
scripted LLM; the `oracle`, which replays each task's reference written in the format under test;
the `expert`, which plays a task's own reactive teacher (data environments; its option `mistakes`
is how often it errs first and then recovers). One that declares `covers(task, format)` is only
given the tasks it covers (the others are skipped, with a notice). Options (`llm_options`, e.g.
`max_tokens`) go to every backend's constructor and are checked against it before any episode
runs.

Each job carries its task when the task pickles, so workers do not rebuild the suite; any error in
an episode, a suite's `make_tools` included, becomes an error row (retried on the next run), never
a crashed grid.
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import pickle
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from fnmatch import fnmatchcase
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import quote

from codeact.actions import FORMATS, get_format
from codeact.agent import check_native
from codeact.bench.episode import PROTOCOLS, Episode, LLMFactory, run_episode
from codeact.bench.registry import load_suite
from codeact.bench.suite import Suite, Task
from codeact.contracts import LLM, ActionFormat, Kernel, Tool
from codeact.errors import ConfigError, MissingDependency
from codeact.kernels.pool import KernelPool
from codeact.llms import check_spec, get_llm, llm_class

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
    llm_options: dict[str, Any] = field(default_factory=dict)
    kernel_options: dict[str, Any] = field(default_factory=dict)
    max_solutions: int | None = None  # wrong answers before the episode ends (see episode.py)
    countdown: bool = False  # tell the model the turns and solutions it has left
    task_object: Task | None = field(default=None, compare=False, repr=False)  # None: load by id
    mcp: tuple[str, ...] = ()  # MCP servers whose tools every episode gets besides the task's

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
    llm_options: dict[str, Any] = field(default_factory=dict)  # to every model's constructor
    tasks: list[str] = field(default_factory=list)  # task ids or globs; empty: every task
    kernel_options: dict[str, Any] = field(default_factory=dict)  # to every kernel's constructor
    max_solutions: int | None = None  # wrong answers before the episode ends (see episode.py)
    countdown: bool = False  # tell the model the turns and solutions it has left
    mcp: list[str] = field(default_factory=list)  # MCP servers (command lines or URLs)


def plan(config: GridConfig, suite: Suite) -> list[Job]:
    formats = {name: get_format(name) for name in config.formats}
    tasks = sample(chosen(suite.tasks, config.tasks), config.limit, config.per_domain)
    shipped = {t.id: _shippable(t) for t in tasks}
    return [
        Job(config.suite, t.id, model, name, seed, config.protocol, config.max_turns,
            config.kernel, str(config.out), config.llm_options, config.kernel_options,
            config.max_solutions, config.countdown, shipped[t.id], tuple(config.mcp))
        for model in config.models for name, fmt in formats.items() for seed in config.seeds
        for t in tasks if _covers(model, t, fmt)
    ]  # fmt: skip


def check_grid(config: GridConfig) -> list[str]:
    """Refuse a grid that cannot run, before any episode: an unknown engine, format, model, task
    or option. Returns notices for what will be skipped (tasks a model does not cover)."""
    from codeact.kernels import check_kernel

    if config.engine not in ENGINES:
        raise ConfigError(f"unknown engine {config.engine!r}; choose from {', '.join(ENGINES)}")
    if config.protocol not in PROTOCOLS:
        raise ConfigError(
            f"unknown protocol {config.protocol!r}; choose from {', '.join(PROTOCOLS)}"
        )
    if config.max_turns < 1:
        raise ConfigError(f"--max-turns must be at least 1 (got {config.max_turns})")
    formats = {name: get_format(name) for name in config.formats}
    for model in config.models:
        check_spec(model, **config.llm_options)
        for fmt in formats.values():
            if getattr(fmt, "native_tools", False):  # native function calls: tools= needed
                check_native(_llm_class(model), fmt, model)
    if any(f.runs_code for f in formats.values()):
        check_kernel(config.kernel, **_kernel_options(config.kernel_options))
    if config.mcp:  # each server starts once here, so one that cannot fails the grid now
        from codeact.tools.mcp import open_servers
        from codeact.tools.toolsets import close_all

        close_all(open_servers(config.mcp))
    suite = load_suite(config.suite)
    plan(config, suite)  # checks the task patterns
    tasks = chosen(suite.tasks, config.tasks)
    return [n for m in config.models for n in _coverage_gaps(m, suite, tasks, formats)]


def _covers(model: str, task: Task, fmt: ActionFormat) -> bool:
    covers = getattr(_llm_class(model), "covers", None)
    return not callable(covers) or bool(covers(task, fmt))


_llm_class = functools.cache(llm_class)  # asked per task and format while planning


def _coverage_gaps(
    model: str, suite: Suite, tasks: list[Task], formats: dict[str, ActionFormat]
) -> list[str]:
    reason = getattr(_llm_class(model), "skip_reason", "it cannot play them")
    notices = []
    for name, fmt in formats.items():
        missing = [t.id for t in tasks if not _covers(model, t, fmt)]
        if len(missing) == len(tasks):
            raise ConfigError(
                f"{model} cannot play any task of suite {suite.name!r} in the {name} format "
                f"({reason}): drop the format, or give the tasks what it needs"
            )
        if missing:
            shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
            notices.append(
                f"{model}: {len(missing)} tasks skipped in the {name} format ({reason}): {shown}"
            )
    return notices


def _shippable(task: Task) -> Task | None:
    """The task itself when it pickles, for the workers (so that they need not rebuild the
    suite); None otherwise (a closure for make_tools, say), and they load it by id."""
    try:
        pickle.dumps(task)
    except Exception:
        return None
    return task


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
    threads = max(1, (os.cpu_count() or 1) // workers)
    with ProcessPoolExecutor(
        workers, mp_context=get_context("spawn"), initializer=_share_cores, initargs=(threads,)
    ) as pool:
        futures = [pool.submit(run_job, job) for job in _interleave(jobs)]
        for future in as_completed(futures):
            yield future.result()


def _share_cores(threads: int) -> None:
    """In a worker: the cores it may use, for backends that size their thread pools (llama.cpp)."""
    os.environ.setdefault("CODEACT_THREADS", str(threads))


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
    runs_code = {name: get_format(name).runs_code for name in {j.format for j in jobs}}
    code = [j for j in jobs if runs_code[j.format]]
    rest = [j for j in jobs if not runs_code[j.format]]
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
        task = job.task_object or _tasks(job.suite)[job.task]
        row["unsolvable"] = task.unsolvable is not None
        fmt = get_format(job.format)
        kernel = _kernel(job.kernel, job.kernel_options) if fmt.runs_code else None
        try:
            outcome = run_episode(
                task, _llm(job), fmt, kernel,
                protocol=job.protocol, max_turns=job.max_turns, seed=job.seed,
                max_solutions=job.max_solutions, countdown=job.countdown,
                new_kernel=lambda: _kernel(job.kernel, job.kernel_options),
                extra_tools=[t for target in job.mcp for t in _mcp_tools(target)],
            )  # fmt: skip
        finally:
            if kernel is not None:
                kernel.shutdown()  # a kernel serves one episode only
    except Exception as exc:  # a suite's tools, a backend, a kernel: the row says what failed
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
def _mcp_tools(target: str) -> list[Tool]:
    """An MCP server's tools: one connection per worker, closed when the worker exits."""
    from codeact.tools.mcp import MCPServer

    server = MCPServer(target).start()
    atexit.register(server.close)
    return list(server.tools())


@functools.cache
def _tasks(suite: str) -> dict[str, Task]:
    return {t.id: t for t in load_suite(suite).tasks}


def _llm(job: Job) -> LLM | LLMFactory:
    """The model: one per worker, or a factory for backends built per episode."""
    if getattr(_llm_class(job.model), "per_episode", False):

        def per_episode(episode: Episode) -> LLM:
            return get_llm(job.model, episode=episode, **job.llm_options)

        return per_episode
    return _shared_llm(job.model, json.dumps(job.llm_options, sort_keys=True))


@functools.cache
def _shared_llm(spec: str, options_json: str) -> LLM:
    return get_llm(spec, **json.loads(options_json))


def _kernel(name: str, options: dict[str, Any]) -> Kernel:
    return _pool(name, json.dumps(options, sort_keys=True)).acquire()


def _kernel_options(options: dict[str, Any]) -> dict[str, Any]:
    return {"timeout": 30, **options}


@functools.cache
def _pool(name: str, options_json: str) -> KernelPool:
    from codeact.kernels import get_kernel

    options = _kernel_options(json.loads(options_json))
    pool = KernelPool(lambda: get_kernel(name, **options), size=1)
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
