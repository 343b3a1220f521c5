"""Every checker: near misses are rejected, equivalent forms accepted."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from codeact.contracts import Kernel
from codeact.data.envs.base import Submission
from codeact.data.envs.code import CodeEnv, CodingProblem
from codeact.data.envs.denotation import check_denotation, split_answer
from codeact.data.envs.household import Household, HouseholdEnv, HouseholdTask
from codeact.data.envs.math import boxed, is_equivalent
from codeact.data.envs.search import exact_match, f1_score

# --- search: HotpotQA's exact match and F1 ------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [("The Varnholt Quartet", "Varnholt Quartet"), ("varnholt quartet.", "Varnholt Quartet"),
     ("  1887 ", "1887"), ("Yes", "yes"), ("Mount Kessel!", "mount kessel")],
)  # fmt: skip
def test_hotpot_equivalent_answers_match(predicted: str, gold: str) -> None:
    assert exact_match(predicted, gold) and f1_score(predicted, gold) == 1.0


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [("Varnholt", "Varnholt Quartet"), ("1878", "1887"), ("no", "yes"), ("Kessel River", "Kessel")],
)
def test_hotpot_near_misses_do_not_match(predicted: str, gold: str) -> None:
    assert not exact_match(predicted, gold)


def test_hotpot_f1_is_partial_credit_except_for_yes_no() -> None:
    assert f1_score("Varnholt", "Varnholt Quartet") == pytest.approx(2 / 3)
    assert f1_score("yes indeed", "yes") == 0.0
    assert f1_score("the blue river", "blue river") == 1.0


# --- math: math-verify ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [("\\frac{6}{14}", "\\frac{3}{7}"), ("3/7", "\\frac{3}{7}"), ("\\dfrac{3}{7}", "\\frac{3}{7}"),
     ("x = 3/7", "\\frac{3}{7}"), ("\\boxed{2\\sqrt{3}}", "\\sqrt{12}"), ("3, -2", "-2, 3"),
     ("The answer is $\\boxed{12}$.", "12"), ("0.5", "\\frac{1}{2}")],
)  # fmt: skip
def test_math_equivalent_forms_are_accepted(predicted: str, gold: str) -> None:
    assert is_equivalent(predicted, gold)


@pytest.mark.parametrize(
    ("predicted", "gold"),
    [("3/8", "\\frac{3}{7}"), ("0.4286", "\\frac{3}{7}"), ("2\\sqrt{2}", "2\\sqrt{3}"),
     ("-2", "-2, 3"), ("13", "12"), ("", "12")],
)  # fmt: skip
def test_math_near_misses_are_rejected(predicted: str, gold: str) -> None:
    assert not is_equivalent(predicted, gold)


def test_boxed_reads_the_last_box_with_nested_braces() -> None:
    assert boxed("first \\boxed{1}, then $\\boxed{\\frac{1}{2}}$") == "\\frac{1}{2}"
    with pytest.raises(ValueError, match="no"):
        boxed("no box here")


# --- table: WikiTQ's denotation matching --------------------------------------------------------


@pytest.mark.parametrize(
    ("predicted", "targets"),
    [("Paris", ["paris"]), ("2.0", ["2"]), ("B|A", ["A", "B"]), ("['A', 'B']", ["B", "A"]),
     ('"Café Noir"', ["Cafe Noir"]), ("Rome (Italy)", ["Rome"]), ("Oslo.", ["Oslo"]),
     ("1990-xx-xx", ["1990-xx-xx"])],
)  # fmt: skip
def test_denotation_equivalent_forms_match(predicted: str, targets: list[str]) -> None:
    assert check_denotation(targets, split_answer(predicted))


@pytest.mark.parametrize(
    ("predicted", "targets"),
    [("3", ["4"]), ("A", ["A", "B"]), ("A|B|C", ["A", "B"]), ("Paris, France", ["Paris"]),
     ("Parisian", ["Paris"]), ("1990-01-xx", ["1990-02-xx"])],
)  # fmt: skip
def test_denotation_near_misses_do_not_match(predicted: str, targets: list[str]) -> None:
    assert not check_denotation(targets, split_answer(predicted))


# --- household: the goal read from the world's state --------------------------------------------


def _play(task: HouseholdTask, actions: Callable[[Household], None]) -> bool:
    house = Household(task.world())
    actions(house)
    return HouseholdEnv().check(task, Submission("done", house.tools(), _no_kernel))


def _no_kernel() -> AbstractContextManager[Kernel]:
    raise AssertionError("the household check runs no code")


def _where(house: Household, kind: str) -> tuple[str, str]:
    for r in house.world.receptacles.values():
        for t in r.contents:
            if t.kind == kind:
                return r.name, t.name
    raise AssertionError(kind)


def _fetch(house: Household, kind: str) -> str:
    where, thing = _where(house, kind)
    house.goto(where)
    house.open_receptacle(where)
    assert house.take_from(thing, where).startswith("You pick up")
    return thing


def _place(house: Household, thing: str, recep: str) -> None:
    house.goto(recep)
    house.open_receptacle(recep)
    house.put(thing, recep)


def test_household_goal_needs_the_right_state_and_place() -> None:
    task = HouseholdTask("t", "pick_heat_then_place_in_recep", "egg", "countertop", "", 7)

    def heated(house: Household) -> None:
        egg = _fetch(house, "egg")
        house.goto("microwave 1")
        assert house.heat(egg, "microwave 1").startswith("You heat")
        _place(house, egg, "countertop 1")

    def cold_egg(house: Household) -> None:  # near miss: not heated
        _place(house, _fetch(house, "egg"), "countertop 1")

    def wrong_place(house: Household) -> None:  # near miss: heated, but left in the microwave
        egg = _fetch(house, "egg")
        house.goto("microwave 1")
        house.heat(egg, "microwave 1")

    assert _play(task, heated)
    assert not _play(task, cold_egg)
    assert not _play(task, wrong_place)


def test_household_two_objects_and_the_lamp() -> None:
    two = HouseholdTask("t", "pick_two_obj_and_place", "book", "shelf", "", 3)

    def one_book(house: Household) -> None:
        _place(house, _fetch(house, "book"), "shelf 1")

    def both(house: Household) -> None:
        one_book(house)
        one_book(house)

    assert not _play(two, one_book) and _play(two, both)
    lamp = HouseholdTask("t", "look_at_obj_in_light", "cd", "", "desklamp", 5)

    def under_lamp(house: Household) -> None:
        _fetch(house, "cd")
        house.goto("desk 1")
        house.use("desklamp 1")

    def lamp_off(house: Household) -> None:
        _fetch(house, "cd")
        house.goto("desk 1")

    assert _play(lamp, under_lamp) and not _play(lamp, lamp_off)


def test_household_wrong_names_are_errors_and_impossible_actions_do_nothing() -> None:
    house = Household(HouseholdTask("t", "pick_and_place_simple", "apple", "fridge", "", 1).world())
    with pytest.raises(ValueError, match="no receptacle called 'countertop'"):
        house.goto("countertop")
    with pytest.raises(ValueError, match="you are not at fridge 1"):
        house.take_from("apple 1", "fridge 1")
    assert "closed" in house.goto("fridge 1")
    with pytest.raises(ValueError, match="not an object name"):
        house.take_from("apple", "fridge 1")
    assert house.take_from("unicorn 9", "fridge 1") == "Nothing happens."


# --- code: APPS tests in a sandboxed kernel -----------------------------------------------------

STDIN = CodingProblem(
    "p", "Print the sum of the numbers.", ["2\n3 4\n", "3\n1 1 1\n", "1\n-5\n"], ["7\n", "3\n", "-5\n"],
    None, "", [], "",
)  # fmt: skip
CALL = CodingProblem(
    "c", "Return the pair sorted.", [[[3, 1]], [[2, 2]]], [[[1, 3]], [[2, 2]]], "pair", "", [], ""
)


def _passes(
    problem: CodingProblem, answer: str, grading: Callable[[], AbstractContextManager[Kernel]]
) -> bool:
    return CodeEnv().check(problem, Submission(answer, [], grading))


@pytest.mark.parametrize(
    "answer",
    ["n = int(input())\nprint(sum(map(int, input().split())))",
     "```python\nimport sys\ndata = sys.stdin.read().split()\nprint(sum(map(int, data[1:])), '  ')\n```",
     "import sys\nn = int(sys.stdin.readline())\nprint(sum(int(x) for x in sys.stdin.readline().split()))\nprint()\nraise SystemExit(0)"],
)  # fmt: skip
def test_apps_accepts_correct_programs_in_any_form(
    answer: str, grading: Callable[[], AbstractContextManager[Kernel]]
) -> None:
    assert _passes(STDIN, answer, grading)


@pytest.mark.parametrize(
    "answer",
    ["n = int(input())\nprint(sum(map(int, input().split())) + (n == 1))",  # wrong on one test
     "n = int(input())\nprint(sum(map(int, input().split())))\nprint('done')",  # extra output
     "n = int(input())\nwhile True:\n    pass",  # past the time limit
     "raise ValueError('boom')",
     "print(7)",  # the first example only
     "   "],
)  # fmt: skip
def test_apps_rejects_near_misses(
    answer: str, grading: Callable[[], AbstractContextManager[Kernel]]
) -> None:
    assert not _passes(STDIN, answer, grading)


def test_apps_call_based_problems(grading: Callable[[], AbstractContextManager[Kernel]]) -> None:
    assert _passes(CALL, "def pair(p):\n    return sorted(p)", grading)
    assert _passes(
        CALL, "class Solution:\n    def pair(self, p):\n        return tuple(sorted(p))", grading
    )
    assert not _passes(CALL, "def pair(p):\n    return p", grading)
    assert not _passes(CALL, "def other(p):\n    return sorted(p)", grading)


def test_apps_a_forged_report_gains_nothing(
    grading: Callable[[], AbstractContextManager[Kernel]],
) -> None:
    """The outputs are compared on the host: printing a fake report of passes does not pass."""
    fake = json.dumps([{"ok": True, "out": "0\n"}] * 3)
    answer = f"import os\nos.write(1, b'__codeact_report__' + {fake.encode()!r} + b'\\n')"
    assert not _passes(STDIN, answer, grading)


def test_apps_a_deeply_nested_return_value_is_a_plain_failure(
    grading: Callable[[], AbstractContextManager[Kernel]],
) -> None:
    deep = "def pair(p):\n    v = []\n    for _ in range(100000):\n        v = [v]\n    return v"
    assert not _passes(CALL, deep, grading)
