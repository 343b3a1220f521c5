"""The DNA, decoding and web suites: every reference solution solves its task for real.

Code references run in a real Jupyter kernel with the task's tools registered; JSON and text
references are replayed through the real parsers against fresh tools, one call per reply.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from codeact.actions.json_call import JSONFormat
from codeact.actions.text import TextFormat
from codeact.bench.oracle import reference_replies
from codeact.bench.scoring import matches
from codeact.bench.suite import Suite, Task, answer_text
from codeact.bench.tasks import decoding, dna, web
from codeact.kernels.jupyter import JupyterKernel
from codeact.types import Finish, ToolCall

SUITES: dict[str, Suite] = {m.SUITE.name: m.SUITE for m in (dna, decoding, web)}
CASES = [(name, task) for name, suite in SUITES.items() for task in suite.tasks]
IDS = [task.id for _, task in CASES]
MAX_REPLIES = 9  # the turn limit is 10: at most 8 tool calls and the answer, with a turn spare


@pytest.fixture(scope="module")
def kernels(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, JupyterKernel]]:
    """One real kernel per suite, started on first use and shared by that suite's tasks."""
    started: dict[str, JupyterKernel] = {}

    class Lazy(dict[str, JupyterKernel]):
        def __missing__(self, name: str) -> JupyterKernel:
            k = JupyterKernel(tmp_path_factory.mktemp(name), timeout=30)
            k.start()
            started[name] = self[name] = k
            return k

    yield Lazy()
    for k in started.values():
        k.shutdown()


def test_suite_sizes_and_unique_ids() -> None:
    assert set(SUITES) == {"dna", "decoding", "web"}
    for suite in SUITES.values():
        assert suite.kind == "multi_turn"
        assert len(suite.tasks) >= 22, suite.name
        assert all(t.domain == suite.name for t in suite.tasks)
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize(("suite", "task"), CASES, ids=IDS)
def test_code_reference_solves_the_task(
    kernels: dict[str, JupyterKernel], suite: str, task: Task
) -> None:
    kernel = kernels[suite]
    kernel.register_tools(task.make_tools())
    assert task.reference is not None and task.reference.code is not None
    obs = kernel.execute(task.reference.code)
    assert obs.error is None, str(obs)
    assert matches(obs.output.strip(), task.answer, task.check), (obs.output, task.answer)
    replies = reference_replies(task, "code")
    assert replies is not None
    assert replies[-1] == f"<solution>{answer_text(task.answer)}</solution>"


@pytest.mark.parametrize("fmt_name", ["json", "text"])
@pytest.mark.parametrize(("suite", "task"), CASES, ids=IDS)
def test_tool_call_reference_solves_the_task(suite: str, task: Task, fmt_name: str) -> None:
    replies = reference_replies(task, fmt_name)
    assert replies is not None and 2 <= len(replies) <= MAX_REPLIES
    tools = task.make_tools()  # fresh state for this replay
    by_name = {t.name: t for t in tools}
    fmt: JSONFormat | TextFormat = JSONFormat()
    if fmt_name == "text":
        fmt = TextFormat()
        fmt.system_prompt(tools)
    for reply in replies[:-1]:
        call = fmt.parse(reply)
        assert isinstance(call, ToolCall), reply
        result = by_name[call.name](**call.args)  # must not raise
        json.dumps(result)  # tools return plain JSON values
    final = fmt.parse(replies[-1])
    assert isinstance(final, Finish)
    assert matches(final.answer, task.answer, task.check), (final.answer, task.answer)


@pytest.mark.parametrize(("suite", "task"), CASES, ids=IDS)
def test_a_wrong_answer_does_not_match(suite: str, task: Task) -> None:
    wrong = _wrong(task.answer)
    assert not matches(answer_text(wrong), task.answer, task.check), (wrong, task.answer)


@pytest.mark.parametrize("suite", list(SUITES))
def test_make_tools_gives_fresh_instances(suite: str) -> None:
    task = SUITES[suite].tasks[0]
    first, second = task.make_tools(), task.make_tools()
    assert [t.name for t in first] == [t.name for t in second]
    assert not {id(t) for t in first} & {id(t) for t in second}


def _wrong(answer: Any) -> Any:
    """A plausible answer that differs from `answer`."""
    if isinstance(answer, bool):
        return not answer
    if isinstance(answer, int | float):
        return answer + max(1, abs(answer))
    if isinstance(answer, str):
        return answer + "X" if answer else "X"
    if isinstance(answer, list):
        return answer[:-1] if answer else ["X"]
    if isinstance(answer, dict):
        key = next(iter(answer))
        return {**answer, key: _wrong(answer[key])}
    raise TypeError(f"unexpected answer type {type(answer).__name__}")


def test_each_web_run_gets_its_own_browser() -> None:
    first = {t.name: t for t in web.SUITE.tasks[0].make_tools()}
    second = {t.name: t for t in web.SUITE.tasks[0].make_tools()}
    first["open_page"]("/tents")
    assert first["read_page"]()["title"] == "Tents"
    with pytest.raises(ValueError, match="no page is open"):
        second["read_page"]()
    with pytest.raises(ValueError, match="no previous page"):
        first["go_back"]()
