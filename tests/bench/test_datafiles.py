"""Suites as data files: the built-in suites load from their JSON and TOML files, a task file of
one's own loads the same way, and a malformed file is one clear error naming the file and place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codeact import tool
from codeact.bench.datafiles import Record, data_file, load_records, load_suite_file
from codeact.bench.registry import BUILTIN, load_suite
from codeact.bench.suite import Check
from codeact.bench.tasks import travel
from codeact.errors import ConfigError
from codeact.types import ToolCall


def make_tools() -> list[Any]:
    @tool
    def price(item: str) -> float:
        """Unit price of an item in dollars."""
        return {"apple": 0.5, "bread": 2.25}[item]

    return [price]


TASKS = '''
name = "shop"
description = "a shop"
check = { tolerance = 0.01 }

[[tasks]]
id = "basket"
prompt = "What do 2 apples and 1 bread cost?"
answer = 3.25
calls = [
  { tool = "price", args = { item = "apple" } },
  { tool = "price", args = { item = "bread" } },
]
code = """
print(2 * price("apple") + price("bread"))
"""

[[tasks]]
id = "greeting"
system_prompt = "You are a shopkeeper."
prompt = "Say hello."
prompts = { json = "Say hello, in one word." }
answer = "hello"
check = { case_sensitive = true }

[[tasks]]
id = "tomorrow"
prompt = "What will bread cost tomorrow?"
answer = 0
unsolvable = "no tool knows tomorrow's prices"
'''


def test_a_task_file_becomes_a_suite(tmp_path: Path) -> None:
    path = tmp_path / "shop.toml"
    path.write_text(TASKS)
    suite = load_suite_file(path, make_tools)
    basket, greeting, tomorrow = suite.tasks
    assert (suite.name, basket.id, basket.domain) == ("shop", "shop-basket", "shop")
    assert basket.check == Check(tolerance=0.01) and greeting.check == Check(case_sensitive=True)
    assert basket.reference is not None
    assert basket.reference.calls == (ToolCall("price", {"item": "apple"}),
                                      ToolCall("price", {"item": "bread"}))  # fmt: skip
    assert basket.reference.code == 'print(2 * price("apple") + price("bread"))'
    assert (basket.reference.answer, greeting.reference) == ("3.25", None)
    assert greeting.system_prompt == "You are a shopkeeper."
    assert greeting.prompts == {"json": "Say hello, in one word."}
    assert tomorrow.unsolvable == "no tool knows tomorrow's prices"


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda s: s.replace('id = "basket"', 'id = "basket"\nanswr = 1'),
         "at tasks.0.answr: Extra inputs are not permitted"),
        (lambda s: s.replace('prompt = "Say hello."\n', ""), "at tasks.1.prompt: Field required"),
        (lambda s: s.replace("tolerance = 0.01", 'tolerance = "a cent"'),
         "at check.tolerance: Input should be a valid number"),
        (lambda s: s.replace("[[tasks]]", "[[tasks]", 1), "not valid TOML"),
    ],
    ids=["unknown-key", "missing-field", "wrong-type", "bad-toml"],
)  # fmt: skip
def test_a_malformed_task_file_is_one_clear_error(tmp_path: Path, edit: Any, problem: str) -> None:
    path = tmp_path / "shop.toml"
    path.write_text(edit(TASKS))
    with pytest.raises(ConfigError) as err:
        load_suite_file(path, make_tools)
    message = str(err.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_too_many_calls_for_the_turn_limit_are_refused(tmp_path: Path) -> None:
    calls = ", ".join(['{ tool = "price", args = { item = "apple" } }'] * 9)
    path = tmp_path / "shop.toml"
    path.write_text(f'name = "s"\ndescription = "d"\n[[tasks]]\nid = "x"\nprompt = "p"\n'
                    f"answer = 1\ncalls = [{calls}]\n")  # fmt: skip
    with pytest.raises(ConfigError, match="s-x: 9 calls; at most 8 fit the turn limit"):
        load_suite_file(path, make_tools)


def test_a_malformed_record_file_is_one_clear_error(tmp_path: Path) -> None:
    data = json.loads(data_file("travel.json").read_text())
    data["flights"]["AX100"]["airline"] = "ZZ"
    path = tmp_path / "travel.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match=r"travel.json: .*flight AX100: unknown airline 'ZZ'"):
        load_records(path, travel.TravelData)
    del data["hotels"]
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="at hotels: Field required"):
        load_records(path, travel.TravelData)
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_records(path, travel.TravelData)


def test_records_are_read_only() -> None:
    class Point(Record):
        x: int

    point = Point(x=1)
    with pytest.raises(ValueError, match="frozen"):
        point.x = 2  # type: ignore[misc]


def test_the_built_in_suites_are_data_with_code_for_tools_and_rules() -> None:
    for name, module in BUILTIN.items():
        suite = load_suite(name)
        assert suite.tasks and all(t.reference is not None for t in suite.tasks)
        assert data_file(f"{name}.toml").is_file(), name
        source = Path(__import__(module, fromlist=["_"]).__file__ or "").read_text()
        assert "[[tasks]]" not in source and len(source.splitlines()) < 400, name
