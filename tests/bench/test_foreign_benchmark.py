"""A foreign benchmark through the public API only: an API-Bank-like suite of our own, built the
way a port of a released benchmark would be. Each wall a real port hit has a test here: tools
built from schemas, dialogue histories given as messages (earlier calls written in the format
under test), a system prompt and a prompt per format, a judge of the suite's own, a seed per
episode, an unsolvable mark, a make_tools that raises, and workers that do not rebuild the suite.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from codeact import Message, Observation, ToolCall
from codeact.bench.episode import run_episode
from codeact.bench.judges import Evidence, first_call, first_call_rerun
from codeact.bench.oracle import reference_replies
from codeact.bench.report import markdown, summarize
from codeact.bench.runner import GridConfig, read_rows, run_grid
from codeact.bench.suite import Reference, Suite, Task
from codeact.kernels.jupyter import JupyterKernel
from codeact.llms.scripted import ScriptedLLM
from codeact.tools import schema_tool

# The API records, as a port would read them from the benchmark's files.
APIS: list[dict[str, Any]] = [
    {
        "name": "QueryStock",
        "description": "The stock price of a company on a date.",
        "parameters": {
            "type": "object",
            "properties": {
                "symbol": {"type": "string", "description": "the ticker, e.g. NWT"},
                "date": {"type": "string", "description": "YYYY-MM-DD"},
                "currency": {"type": "string", "description": "ISO code; USD when left out"},
            },
            "required": ["symbol", "date"],
        },
    },
    {
        "name": "AddAlarm",
        "description": "Set an alarm.",
        "parameters": {
            "type": "object",
            "properties": {
                "time": {"type": "string", "description": "HH:MM"},
                "label": {"type": "string"},
                "repeat": {"type": "boolean", "default": False},
            },
            "required": ["time"],
        },
    },
]
STORED = {"QueryStock": {"symbol": "NWT", "price": 48.25, "currency": "USD"}}  # a stored response


def make_tools(seed: int = 0) -> list[Any]:
    """Tools from the records; QueryStock's price is random, seeded per episode."""
    rng = random.Random(seed)

    def query_stock(symbol: str, date: str, currency: str = "USD") -> dict[str, Any]:
        return {"symbol": symbol, "price": round(40 + 20 * rng.random(), 2), "currency": currency}

    def add_alarm(time: str, label: str = "", repeat: bool = False) -> dict[str, Any]:
        return {"time": time, "label": label, "repeat": repeat, "alarm_id": 7}

    funcs = {"QueryStock": query_stock, "AddAlarm": add_alarm}
    return [
        schema_tool(a["name"], a["parameters"], a["description"], funcs[a["name"]]) for a in APIS
    ]


def stored_results(evidence: Evidence) -> bool:
    """The suite's own judge: the first call names the right API with the right arguments; its
    result is not compared (the API is random), the stored response shows the fields it needs."""
    task, calls = evidence.task, evidence.calls
    if not calls or task.expected_call is None:
        return False
    call, result = calls[0]
    return (
        call.name == task.expected_call.name
        and call.args == task.expected_call.args
        and set(result) == set(STORED[call.name])
    )


HISTORY = [
    Message("user", "What was Northwind's stock price on 2024-04-02?"),
    ToolCall("QueryStock", {"symbol": "NWT", "date": "2024-04-02"}),
    Observation(json.dumps(STORED["QueryStock"])),
    Message("assistant", "It closed at 48.25 dollars."),
]
STOCK_CALL = ToolCall("QueryStock", {"symbol": "NWT", "date": "2024-04-03", "currency": "EUR"})
ALARM_CALL = ToolCall("AddAlarm", {"time": "07:15", "repeat": True})  # skips label, optional


def _task(task_id: str, call: ToolCall, **extra: Any) -> Task:
    truth = {t.name: t for t in make_tools(0)}[call.name].invoke(call.args)
    return Task(
        task_id, "api", "And on the next day, in euros?", truth, make_tools,
        reference=Reference(json.dumps(truth), (call,)), expected_call=call, **extra,
    )  # fmt: skip


def foreign_suite() -> Suite:
    return Suite(
        "foreign-api-bank",
        "ported",
        [
            _task("api-stock", STOCK_CALL, history=HISTORY, judge=stored_results,
                  system_prompt="You are a finance assistant.",
                  prompts={"text": "And on 2024-04-03, in EUR?"}),
            _task("api-alarm", ALARM_CALL),
            _task("api-seeded", STOCK_CALL, judge=first_call_rerun),
            Task("api-unsolvable", "api", "Book me a flight.", None, make_tools,
                 unsolvable="no flight API"),
        ],
    )  # fmt: skip


# --- tools from schemas ------------------------------------------------------------------------


def test_a_tool_built_from_a_schema_binds_validates_and_renders() -> None:
    stock = make_tools()[0]
    assert stock.signature == "QueryStock(symbol: str, date: str, currency: str | None = None)"
    assert "symbol: the ticker, e.g. NWT" in stock.doc
    schema = stock.json_schema()
    assert schema["parameters"]["properties"]["symbol"]["description"] == "the ticker, e.g. NWT"
    assert schema["parameters"]["properties"]["currency"]["default"] is None
    result = stock.invoke({"symbol": "NWT", "date": "2024-04-03"})  # currency left out
    assert result["currency"] == "USD"
    with pytest.raises(TypeError, match="symbol: Input should be a valid string"):
        stock.invoke({"symbol": 3.5, "date": "x"})
    with pytest.raises(TypeError, match="missing a required argument: 'date'"):
        stock.invoke({"symbol": "NWT"})
    with pytest.raises(Exception, match="not a Python identifier"):
        schema_tool("x", {"type": "object", "properties": {"a-b": {}}}, "d", dict)


def test_text_references_skip_an_optional_parameter() -> None:
    task = foreign_suite().tasks[1]
    replies = reference_replies(task, "text")
    assert replies is not None
    # `label` is skipped: written as its default, the same call as leaving it out
    assert replies[0] == "Action: AddAlarm, '07:15', None, True End Action"


@pytest.mark.parametrize("fmt", ["code", "json", "text"])
def test_schema_tools_work_in_every_format(fmt: str, kernel: JupyterKernel) -> None:
    task = foreign_suite().tasks[1]
    llm = ScriptedLLM(reference_replies(task, fmt) or [])
    outcome = run_episode(task, llm, fmt, kernel)
    assert outcome.success, outcome.trajectory.messages[-1].content
    assert "'alarm_id': 7" in outcome.trajectory.messages[-2].content


# --- dialogues, system prompts, prompts per format ---------------------------------------------


@pytest.mark.parametrize("fmt", ["code", "json", "text"])
def test_a_dialogue_history_is_given_as_messages_in_the_format(
    fmt: str, kernel: JupyterKernel
) -> None:
    task = foreign_suite().tasks[0]
    llm = ScriptedLLM(reference_replies(task, fmt) or [])
    outcome = run_episode(task, llm, fmt, kernel)
    assert outcome.success
    seen = llm.calls[0]
    assert seen[0].role == "system"
    assert seen[0].content.startswith("You are a finance assistant.\n\n")
    assert [m.role for m in seen[1:6]] == ["user", "assistant", "user", "assistant", "user"]
    earlier = {"code": "<execute>\nprint(QueryStock(symbol='NWT', date='2024-04-02'))\n</execute>",
               "json": '{"tool": "QueryStock", "args": {"symbol": "NWT", "date": "2024-04-02"}}',
               "text": "Action: QueryStock, 'NWT', '2024-04-02' End Action"}  # fmt: skip
    assert seen[2].content == earlier[fmt]
    assert seen[3].content == 'Observation:\n{"symbol": "NWT", "price": 48.25, "currency": "USD"}'
    prompt = "And on 2024-04-03, in EUR?" if fmt == "text" else "And on the next day, in euros?"
    assert seen[5].content == prompt


# --- judges and seeds --------------------------------------------------------------------------


def test_a_suite_plugs_in_its_own_judge() -> None:
    task = foreign_suite().tasks[0]
    right = ScriptedLLM(reference_replies(task, "json") or [])
    assert run_episode(task, right, "json", None).success
    # the stored-result judge accepts whatever price the API gives; the stock judge would not
    later = ScriptedLLM(reference_replies(task, "json") or [])
    outcome = run_episode(task, later, "json", None, seed=5)
    assert outcome.success
    wrong_date = (
        '{"tool": "QueryStock", "args": {"symbol": "NWT", "date": "2024-04-04", "currency": "EUR"}}'
    )
    assert not run_episode(
        task, ScriptedLLM([wrong_date, "<solution>x</solution>"]), "json", None
    ).success


def test_a_seed_per_episode_makes_random_tools_repeat() -> None:
    task = foreign_suite().tasks[2]
    for seed in (0, 1, 2):
        llm = ScriptedLLM(reference_replies(task, "json") or [])
        assert run_episode(task, llm, "json", None, seed=seed).success, seed
    # the stored truth was made with seed 0: judged against it, seed 1 is a failure
    stored = Task(**{**vars(task), "judge": first_call})
    llm = ScriptedLLM(reference_replies(stored, "json") or [])
    assert not run_episode(stored, llm, "json", None, seed=1).success


# --- the grid: unsolvable tasks, a make_tools that raises, workers that do not rebuild ---------


def _module(name: str, build: Any) -> ModuleType:
    module = ModuleType(name)
    module.SUITE = build()  # type: ignore[attr-defined]
    return module


def test_an_unsolvable_task_is_reported_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "foreign_api", _module("foreign_api", foreign_suite))
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps({"replies": ["<solution>no idea</solution>"]}))
    config = GridConfig("foreign_api", [f"scripted:{replies}"], ["json"], engine="serial",
                        out=tmp_path / "out", tasks=["api-unsolvable", "api-alarm"])  # fmt: skip
    rows = {r["task"]: r for r in read_rows(run_grid(config))}
    assert rows["api-unsolvable"]["unsolvable"] is True and not rows["api-unsolvable"]["success"]
    assert rows["api-alarm"]["unsolvable"] is False
    cell = summarize(list(rows.values()))[f"scripted:{replies}"]["json"]
    assert (cell.n, cell.success_pct, cell.unsolvable) == (1, 0.0, 1)  # not counted as a failure
    assert "tasks marked unsolvable" in markdown(summarize(list(rows.values())), "t")
    # the oracle skips it: it has no reference
    oracle = GridConfig("foreign_api", ["oracle"], ["json"], engine="serial", out=tmp_path / "o")
    assert "api-unsolvable" not in {r["task"] for r in read_rows(run_grid(oracle))}


def broken_tools() -> list[Any]:
    raise ValueError("the API records are missing")


def test_a_make_tools_that_raises_is_an_error_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def build() -> Suite:
        suite = foreign_suite()
        suite.tasks[1].make_tools = broken_tools
        return suite

    monkeypatch.setitem(sys.modules, "foreign_api", _module("foreign_api", build))
    config = GridConfig("foreign_api", ["oracle"], ["json"], engine="serial", out=tmp_path)
    rows = {r["task"]: r for r in read_rows(run_grid(config))}
    assert rows["api-alarm"]["error"] == "ValueError: the API records are missing"
    assert rows["api-alarm"]["success"] is False
    assert rows["api-stock"]["success"] is True  # the grid went on


def test_workers_get_the_tasks_and_do_not_rebuild_the_suite(tmp_path: Path) -> None:
    """A suite module that counts its builds, run on the process engine with 2 workers."""
    module = tmp_path / "counted_suite.py"
    log = tmp_path / "builds.log"
    module.write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from codeact.bench.datafiles import lazy_suite\n"
        "from test_foreign_benchmark import foreign_suite\n"
        "def build():\n"
        f"    with open({str(log)!r}, 'a') as f:\n"
        "        f.write(f'{os.getpid()}\\n')\n"
        "    return foreign_suite()\n"
        "__getattr__ = lazy_suite(build)\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        config = GridConfig("counted_suite", ["oracle"], ["json", "text"], engine="process",
                            workers=2, out=tmp_path / "out")  # fmt: skip
        rows = read_rows(run_grid(config))
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("counted_suite", None)
    assert len(rows) == 6 and all(r["success"] for r in rows), rows
    assert len(log.read_text().split()) == 1  # built once, in this process
