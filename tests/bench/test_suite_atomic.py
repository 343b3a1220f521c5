"""The atomic tool-call suite: every case is solvable, its references are right in every format,
and its expected call is strict enough that a wrong value is caught."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from codeact.actions.code import CodeFormat
from codeact.actions.json_call import JSONFormat
from codeact.actions.text import TextFormat
from codeact.bench.judges import execute
from codeact.bench.oracle import reference_replies
from codeact.bench.scoring import call_matches, matches
from codeact.bench.suite import Call, Task
from codeact.bench.tasks.atomic import PROMPT, SUITE
from codeact.kernels.jupyter import JupyterKernel
from codeact.types import CodeAction, Finish, ToolCall

TASKS = SUITE.tasks


def by_id(tasks: list[Task]) -> Any:
    return pytest.mark.parametrize("task", tasks, ids=[t.id for t in tasks])


def _replies(task: Task, fmt_name: str) -> list[str]:
    replies = reference_replies(task, fmt_name)
    assert replies is not None
    return replies


def expected(task: Task) -> Call:
    assert task.expected_call is not None
    return task.expected_call


@pytest.fixture(scope="module")
def atomic_kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterKernel]:
    with JupyterKernel(tmp_path_factory.mktemp("atomic"), timeout=30) as k:
        yield k


# (e) the suite as a whole


def test_suite_size_ids_and_spread() -> None:
    assert SUITE.kind == "atomic"
    assert len(TASKS) >= 60
    assert len({t.id for t in TASKS}) == len(TASKS)
    assert all(t.atomic for t in TASKS)
    assert len({expected(t).name for t in TASKS}) >= 8
    assert len({t.domain for t in TASKS}) >= 8


def test_every_case_uses_the_same_wording() -> None:
    head, tail = PROMPT.split("{dialogue}")
    for task in TASKS:
        assert task.prompt.startswith(head + "User: ") and task.prompt.endswith(tail)
        last = task.prompt[len(head) : -len(tail)].splitlines()[-1]
        assert last.startswith("User: ")


def test_the_suite_covers_argument_types_and_dialogue_lengths() -> None:
    kinds = {type(v) for t in TASKS for v in expected(t).args.values()}
    assert {str, int, float, bool, list} <= kinds
    user_turns = {t.prompt.count("\nUser: ") for t in TASKS}
    assert {1, 2, 3, 4, 5} <= user_turns


# (a) the expected call gives the answer


@by_id(TASKS)
def test_expected_call_on_fresh_tools_gives_the_answer(task: Task) -> None:
    result = execute(task.make_tools(), expected(task))
    assert matches(result, task.answer, task.check)
    assert json.loads(json.dumps(task.answer)) == task.answer  # JSON-serializable, as it is


def test_tools_are_fresh_per_run() -> None:
    """A call that changes state gives the same result on every fresh set of tools."""
    changing = [t for t in TASKS if expected(t).name in ("add_event", "transfer", "book_table")]
    for task in changing:
        tools = task.make_tools()
        first = execute(tools, expected(task))
        assert execute(task.make_tools(), expected(task)) == first == task.answer


# (b) the json and text references parse into the expected call


@by_id(TASKS)
def test_json_reference_parses_to_the_expected_call(task: Task) -> None:
    fmt = JSONFormat()
    fmt.system_prompt(task.make_tools())
    call, solution = _replies(task, "json")
    action = fmt.parse(call)
    assert isinstance(action, ToolCall)
    assert call_matches(Call(action.name, action.args), expected(task), task.check)
    final = fmt.parse(solution)
    assert isinstance(final, Finish) and matches(final.answer, task.answer, task.check)


@by_id(TASKS)
def test_text_reference_parses_to_the_expected_call(task: Task) -> None:
    fmt = TextFormat()
    fmt.system_prompt(task.make_tools())
    call, solution = _replies(task, "text")
    action = fmt.parse(call)
    assert isinstance(action, ToolCall)
    assert call_matches(Call(action.name, action.args), expected(task), task.check)
    final = fmt.parse(solution)
    assert isinstance(final, Finish) and matches(final.answer, task.answer, task.check)


# (c) the code reference prints the answer in a real kernel


@by_id(TASKS)
def test_code_reference_prints_the_answer(task: Task, atomic_kernel: JupyterKernel) -> None:
    fmt = CodeFormat()
    code, solution = _replies(task, "code")
    action = fmt.parse(code)
    assert isinstance(action, CodeAction)
    atomic_kernel.register_tools(task.make_tools())
    obs = atomic_kernel.execute(action.code)
    assert obs.error is None, str(obs)
    assert matches(obs.output.strip(), task.answer, task.check), obs.output
    final = fmt.parse(solution)
    assert isinstance(final, Finish) and matches(final.answer, task.answer, task.check)


# (d) one changed argument is caught


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value * 2 + 1
    if isinstance(value, list):
        return [*value, "someone-else@company.example"]
    return f"{value}x"


@by_id(TASKS)
def test_a_changed_argument_does_not_match(task: Task) -> None:
    call = expected(task)
    assert call.args, "every case passes at least one argument"
    assert call_matches(call, call, task.check)
    for name, value in call.args.items():
        wrong = Call(call.name, {**call.args, name: _changed(value)})
        assert not call_matches(wrong, call, task.check), name
    missing_one = Call(call.name, dict(list(call.args.items())[:-1]))
    assert not call_matches(missing_one, call, task.check)
    assert not call_matches(Call(call.name + "_x", call.args), call, task.check)


def test_money_is_checked_to_the_cent() -> None:
    transfers = [t for t in TASKS if expected(t).name == "transfer"]
    assert transfers
    for task in transfers:
        call = expected(task)
        off_by_a_cent = Call(call.name, {**call.args, "amount": call.args["amount"] + 0.01})
        assert not call_matches(off_by_a_cent, call, task.check)
        assert not matches(execute(task.make_tools(), off_by_a_cent), task.answer, task.check)
