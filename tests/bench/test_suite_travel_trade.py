"""The travel and trade suites: every reference solution runs for real and reaches the truth.

- code: the reference's code block runs in a real Jupyter kernel, with the task's tools bridged
  in, and what it prints matches the ground truth;
- json and text: each reply goes through the real parser and the tool it names is called with
  the parsed arguments; the final reply is an answer that matches the truth;
- every call a json reference makes is one the code reference makes too (so the hand-planned
  calls look at the same data as the code), and a wrong answer never matches.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from codeact.actions.json_call import JSONFormat
from codeact.actions.text import TextFormat
from codeact.bench.oracle import reference_replies
from codeact.bench.scoring import call_matches, matches
from codeact.bench.suite import Call, Suite, Task, answer_text
from codeact.bench.tasks import trade, travel
from codeact.kernels.jupyter import JupyterKernel
from codeact.types import Finish, ToolCall

MODULES: dict[str, ModuleType] = {"travel": travel, "trade": trade}
SUITES: dict[str, Suite] = {name: m.SUITE for name, m in MODULES.items()}
CASES = [
    pytest.param(name, task, id=task.id) for name, suite in SUITES.items() for task in suite.tasks
]
_EXECUTE = re.compile(r"<execute>\n?(.*?)\n?</execute>", re.DOTALL)


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, JupyterKernel]]:
    """One real kernel per suite module, started on first use."""
    started: dict[str, JupyterKernel] = {}

    class Lazy(dict[str, JupyterKernel]):
        def __missing__(self, name: str) -> JupyterKernel:
            kernel = JupyterKernel(tmp_path_factory.mktemp(f"kernel-{name}"), timeout=60)
            kernel.start()
            started[name] = self[name] = kernel
            return kernel

    yield Lazy()
    for kernel in started.values():
        kernel.shutdown()


def _replies(task: Task, fmt_name: str) -> list[str]:
    replies = reference_replies(task, fmt_name)
    assert replies is not None, f"{task.id} has no {fmt_name} reference"
    return replies


def _code(task: Task) -> str:
    found = _EXECUTE.search(_replies(task, "code")[0])
    assert found is not None, "the code reference has no <execute> block"
    return found.group(1)


def _parse_all(task: Task, fmt_name: str) -> list[Any]:
    tools = task.make_tools()
    if fmt_name == "json":
        return [JSONFormat().parse(reply) for reply in _replies(task, "json")]
    fmt = TextFormat()
    fmt.system_prompt(tools)
    return [fmt.parse(reply) for reply in _replies(task, "text")]


# --- the suites ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SUITES))
def test_suite_size_ids_and_kind(name: str) -> None:
    suite = SUITES[name]
    assert suite.kind == "multi_turn"
    assert len(suite.tasks) >= 22
    ids = [t.id for t in suite.tasks]
    assert len(set(ids)) == len(ids)
    assert all(t.domain == name and t.id.startswith(f"{name}-") for t in suite.tasks)
    assert all(not t.atomic for t in suite.tasks)


@pytest.mark.parametrize("name", list(SUITES))
def test_make_tools_gives_fresh_instances(name: str) -> None:
    task = SUITES[name].tasks[0]
    first, second = task.make_tools(), task.make_tools()
    assert [t.name for t in first] == [t.name for t in second]
    assert all(a is not b for a, b in zip(first, second, strict=True))


# --- the references, for real ----------------------------------------------------------------


@pytest.mark.parametrize(("suite", "task"), CASES)
def test_code_reference_prints_the_answer(
    kernels: dict[str, JupyterKernel], suite: str, task: Task
) -> None:
    kernel = kernels[suite]
    kernel.execute("%reset -f")  # nothing left over from the previous task
    kernel.register_tools(task.make_tools())
    obs = kernel.execute(_code(task))
    assert obs.error is None, str(obs)
    printed = obs.output.strip()
    assert matches(printed, task.answer, task.check), f"printed {printed!r}, truth {task.answer!r}"
    assert _replies(task, "code")[1] == f"<solution>{answer_text(task.answer)}</solution>"


@pytest.mark.parametrize("fmt_name", ["json", "text"])
@pytest.mark.parametrize(("suite", "task"), CASES)
def test_tool_call_references_replay(suite: str, task: Task, fmt_name: str) -> None:
    replies = _replies(task, fmt_name)
    assert len(replies) <= 9  # at most 8 calls, then the answer, within the 10-turn limit
    tools = {t.name: t for t in task.make_tools()}  # fresh state for this replay
    actions = _parse_all(task, fmt_name)
    for action in actions[:-1]:
        assert isinstance(action, ToolCall), action
        tools[action.name](**action.args)  # must not raise
    final = actions[-1]
    assert isinstance(final, Finish), final
    assert matches(final.answer, task.answer, task.check)


@pytest.mark.parametrize(("suite", "task"), CASES)
def test_json_calls_are_calls_the_code_makes(suite: str, task: Task) -> None:
    made: list[Call] = []

    def logged(tool: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            names = list(tool.json_schema()["parameters"]["properties"])
            made.append(Call(tool.name, {**dict(zip(names, args, strict=False)), **kwargs}))
            return tool(*args, **kwargs)

        return call

    scope: dict[str, Any] = {t.name: logged(t) for t in task.make_tools()}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(_code(task), scope)
    assert matches(out.getvalue().strip(), task.answer, task.check)
    for action in _parse_all(task, "json")[:-1]:
        planned = Call(action.name, action.args)
        assert any(call_matches(m, planned) for m in made), f"the code never makes {planned}"


# --- the checker -----------------------------------------------------------------------------


def _wrong(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "-X"
    if isinstance(value, list):
        return [_wrong(value[0]), *value[1:]] if value else ["X"]
    if isinstance(value, dict):
        first = next(iter(value))
        return {**value, first: _wrong(value[first])}
    raise TypeError(f"unexpected answer type {type(value).__name__}")


@pytest.mark.parametrize(("suite", "task"), CASES)
def test_a_wrong_answer_does_not_match(suite: str, task: Task) -> None:
    assert matches(answer_text(task.answer), task.answer, task.check)
    assert not matches(answer_text(_wrong(task.answer)), task.answer, task.check)
    if isinstance(task.answer, list) and len(task.answer) > 1:
        assert not matches(answer_text(task.answer[:-1]), task.answer, task.check)
