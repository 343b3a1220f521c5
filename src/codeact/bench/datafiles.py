"""Suites as data: records in JSON, tasks in TOML, loaded and validated by pydantic.

A suite module keeps its tools and its rules; its data live in files beside it (the built-in
ones in `codeact/bench/tasks/data/`). A malformed file is one clear ConfigError naming the file,
the place and what is wrong, before any task runs.

Records: `load_records(path, Schema)` reads a JSON file and validates it as `Schema`, a pydantic
model (subclass `Record`: unknown keys refused, values read-only).

Tasks: `load_suite_file(path, make_tools)` reads a TOML file like

    name = "shop"
    description = "a shop example"
    domain = "shop"                      # the tasks' domain and id prefix (default: name)
    check = { decimals = 2 }             # the default Check (optional)

    [[tasks]]
    id = "basket"                        # the task's id is "shop-basket"
    prompt = "What do 2 apples and 1 bread cost?"
    answer = 3.25                        # the ground truth
    calls = [                            # the reference, one tool call per turn (optional)
      { tool = "price", args = { item = "apple" } },
      { tool = "price", args = { item = "bread" } },
    ]
    code = '''                           # the reference as one program (optional)
    print(2 * price("apple") + price("bread"))
    '''
    # optional: check, system_prompt, prompts = { json = "..." }, unsolvable = "why"

The reference is stored once, as actions: each format writes it out (ActionFormat.render_action).
"""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Callable
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Literal, TypeVar

import pydantic
from pydantic import BaseModel, ConfigDict

from codeact.bench.suite import Check, Suite, Task, ToolFactory, reference
from codeact.errors import ConfigError
from codeact.types import ToolCall

T = TypeVar("T")
DataFile = str | Path | Traversable


class Record(BaseModel):
    """A validated record of a data file: unknown keys are refused, values are read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def data_file(name: str) -> Traversable:
    """A data file of the built-in suites."""
    return files("codeact.bench.tasks") / "data" / name


def load_records(source: DataFile, schema: type[T]) -> T:
    """The JSON file `source` validated as `schema` (a pydantic model, say)."""
    where = _name(source)
    try:
        data = json.loads(_read(source))
    except ValueError as exc:
        raise ConfigError(f"{where}: not valid JSON: {exc}") from None
    return validate(data, schema, where)


def validate(data: Any, schema: type[T], where: str) -> T:
    """`data` as `schema`, or a ConfigError saying where it is wrong."""
    try:
        value = pydantic.TypeAdapter(schema).validate_python(data)
    except pydantic.ValidationError as exc:
        raise ConfigError(f"{where}: {_first_problem(exc)}") from None
    return value


# --- task files -------------------------------------------------------------------------------


class CheckRecord(Record):
    decimals: int = 2
    tolerance: float | None = None
    unordered: bool = False
    case_sensitive: bool = False

    def check(self) -> Check:
        return Check(self.decimals, self.tolerance, self.unordered, self.case_sensitive)


class CallRecord(Record):
    tool: str
    args: dict[str, Any] = {}

    def call(self) -> ToolCall:
        return ToolCall(self.tool, dict(self.args))


class TaskRecord(Record):
    id: str
    prompt: str
    answer: Any
    calls: list[CallRecord] | None = None
    code: str | None = None
    check: CheckRecord | None = None
    system_prompt: str | None = None
    prompts: dict[str, str] = {}
    unsolvable: str | None = None


class SuiteFile(Record):
    name: str
    description: str
    kind: Literal["multi_turn", "atomic"] = "multi_turn"
    domain: str | None = None
    check: CheckRecord | None = None
    tasks: list[TaskRecord]


def load_suite_file(source: DataFile, make_tools: ToolFactory) -> Suite:
    """The suite a TOML task file describes (see the module docstring), with `make_tools`."""
    where = _name(source)
    record = validate(read_toml(source), SuiteFile, where)
    domain = record.domain or record.name
    default = record.check.check() if record.check else Check()
    try:
        tasks = [task_from(r, domain, make_tools, default) for r in record.tasks]
        return Suite(record.name, record.description, tasks, record.kind)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def task_from(record: TaskRecord, domain: str, make_tools: ToolFactory, default: Check) -> Task:
    task_id = f"{domain}-{record.id}"
    check = record.check.check() if record.check else default
    calls = [c.call() for c in record.calls] if record.calls is not None else None
    has_reference = calls is not None or record.code is not None
    return Task(
        task_id,
        domain,
        record.prompt,
        record.answer,
        make_tools,
        reference(task_id, calls, record.code, record.answer, check) if has_reference else None,
        check,
        system_prompt=record.system_prompt,
        prompts=record.prompts,
        unsolvable=record.unsolvable,
    )


def read_toml(source: DataFile) -> dict[str, Any]:
    try:
        return tomllib.loads(_read(source))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{_name(source)}: not valid TOML: {exc}") from None


def _read(source: DataFile) -> str:
    path = Path(source) if isinstance(source, str) else source
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {_name(source)}: {exc}") from None


def _name(source: DataFile) -> str:
    return str(source)


def _first_problem(exc: pydantic.ValidationError) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    place = ".".join(str(part) for part in first["loc"]) or "the top level"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return f"at {place}: {first['msg']}{more}"


def lazy_suite(build: Callable[[], Suite]) -> Callable[[str], Any]:
    """A module `__getattr__` whose `SUITE` is `build()`, built on first use: importing a suite
    module (a worker unpickling one of its tasks, say) builds nothing."""
    built = functools.cache(build)

    def module_getattr(name: str) -> Any:
        if name == "SUITE":
            return built()
        raise AttributeError(name)

    return module_getattr


def suite_from_file(name: str, make_tools: ToolFactory) -> Callable[[str], Any]:
    """`lazy_suite` for a built-in suite whose tasks are in data/NAME."""
    return lazy_suite(lambda: load_suite_file(data_file(name), make_tools))
