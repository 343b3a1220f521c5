"""The answer checker: lenient about how an answer is written, strict about its value.

Each table pairs rows that must match with near-misses that must not, so a checker that is too
strict or too lenient fails a row.
"""

from __future__ import annotations

from typing import Any

import pytest

from codeact.bench.scoring import as_number, call_matches, matches
from codeact.bench.suite import Call, Check, answer_text

TIGHT = Check(tolerance=1e-9)
ABS = Check(tolerance=0.5)
FOUR = Check(decimals=4)
UNORDERED = Check(unordered=True)
CASE = Check(case_sensitive=True)


def _id(value: Any) -> str:
    return repr(value)[:40]


def table(*rows: tuple[Any, ...]) -> pytest.MarkDecorator:
    """Parametrize (predicted, truth, check, expected) rows, each named after its values."""
    ids = [f"{_id(r[0])} vs {_id(r[1])} -> {r[-1]}" for r in rows]
    return pytest.mark.parametrize(("predicted", "truth", "check", "expected"), rows, ids=ids)


# --- numbers ------------------------------------------------------------------------------------


@table(
    # the same value however it is written
    ("8,100", 8100, TIGHT, True),
    ("$8,100.00", 8100, TIGHT, True),
    (8100, 8100, TIGHT, True),
    (8100.0, 8100, TIGHT, True),
    ("8100", 8100, TIGHT, True),
    ("The total is 8,100.", 8100, TIGHT, True),
    ("8,100 USD", 8100, TIGHT, True),
    ("8100 dollars", 8100, TIGHT, True),
    ("'8100'", 8100, TIGHT, True),
    ("  8100  ", 8100, TIGHT, True),
    ("1e3", 1000, TIGHT, True),
    (".5", 0.5, TIGHT, True),
    ("-5", -5, TIGHT, True),
    ("$-5", -5, TIGHT, True),
    ("-$5", -5, TIGHT, True),
    ("The change is -$5.", -5, TIGHT, True),
    # a different value is wrong, however close the text looks
    ("8,101", 8100, TIGHT, False),
    ("-$5", 5, TIGHT, False),  # the sign is part of the value
    ("-5", 5, TIGHT, False),
    ("81,00", 810, TIGHT, False),
    # floats are never truncated to int
    (8100.7, 8100, TIGHT, False),
    ("8100.7", 8100, TIGHT, False),
    ("$8,100.70", 8100, TIGHT, False),
    ("0.5", 0, TIGHT, False),
    (0.5, 0, TIGHT, False),
    ("0.99", 1, TIGHT, False),
    ("8100.7", 8100.7, TIGHT, True),
    # several numbers in a sentence: which one is the answer is unknown, so no match
    ("between 3 and 5", 3, TIGHT, False),
    ("3 and 5", 5, TIGHT, False),
    ("42 apples and 3 pears", 42, TIGHT, False),
    ("Day 2: 8100", 8100, TIGHT, False),
    # no number at all
    ("many", 3, TIGHT, False),
    ("", 0, TIGHT, False),
    (None, 0, TIGHT, False),
    ([3], 3, TIGHT, False),
    (True, 1, TIGHT, False),  # a boolean is not a number
)
def test_numbers(predicted: Any, truth: Any, check: Check, expected: bool) -> None:
    assert matches(predicted, truth, check) is expected


@table(
    # integers compare exactly, however large
    ("7182000", 7182000, Check(), True),
    ("7,182,000", 7182000, Check(), True),
    ("7182000.0", 7182000, Check(), True),
    ("7182050", 7182000, Check(), False),
    ("100001", 100000, Check(), False),
    ("99999", 100000, Check(), False),
    ("100000.004", 100000, Check(), False),
    # other numbers to the task's precision, by default two decimals (within 0.005)
    ("203.09", 203.094, Check(), True),
    ("203.1", 203.094, Check(), False),
    ("237.94", 237.94, Check(), True),
    ("237.9", 237.94, Check(), False),
    ("237.944", 237.94, Check(), True),
    ("0.5123", 0.51234, FOUR, True),
    ("0.51", 0.51234, FOUR, False),
    ("0.51", 0.51234, Check(), True),
    # an explicit absolute tolerance wins: 0.5 whatever the size
    ("0.4", 0, ABS, True),
    ("-0.4", 0, ABS, True),
    ("0.6", 0, ABS, False),
    ("1000.4", 1000, ABS, True),
    ("1000.6", 1000, ABS, False),
    # thousands separators only in groups of three
    ("1,5", 15, Check(), False),
    ("1,5", 1.5, Check(), False),
    ("1,500", 1500, Check(), True),
    ("12,34,567", 1234567, Check(), False),
    ("1,234,567.5", 1234567.5, Check(), True),
    ("The total is 1,5 units.", 15, Check(), False),
    # a Unicode minus sign is a minus
    ("\u22125", -5, Check(), True),
    ("\u22125", 5, Check(), False),
    ("The change is \u2212$5.", -5, Check(), True),
    # a number is pulled out of a sentence only when nothing negates it
    ("It is 1050.", 1050, Check(), True),
    ("It is not 1050.", 1050, Check(), False),
    ("The answer isn't 1050", 1050, Check(), False),
    ("The answer isn\u2019t 1050", 1050, Check(), False),
    ("No flight costs 1050.", 1050, Check(), False),
    ("never 1050", 1050, Check(), False),
    ("1050", 1050, Check(), True),
)
def test_numeric_tolerance(predicted: Any, truth: Any, check: Check, expected: bool) -> None:
    assert matches(predicted, truth, check) is expected


@table(
    ("12%", 12, TIGHT, True),
    ("12 %", 12, TIGHT, True),
    ("12.5%", 12.5, TIGHT, True),
    ("The rate is 12.5%.", 12.5, TIGHT, True),
    ("12%", 0.12, TIGHT, False),  # the task states its unit: 12% reads 12
    ("13%", 12, TIGHT, False),
    ("12.5%", 12, TIGHT, False),
)
def test_percentages(predicted: Any, truth: Any, check: Check, expected: bool) -> None:
    assert matches(predicted, truth, check) is expected


@pytest.mark.parametrize(
    ("text", "number"),
    [("8,100", 8100.0), ("$8,100.00", 8100.0), ("The total is 8,100.", 8100.0),
     ("-$8,100.50", -8100.5), ("8100.7", 8100.7), ("3 and 5", None), ("none", None),
     ("1,5", None), ("\u22125", -5.0), ("It is not 7.", None), ("GX-101", 101.0),
     (7, 7.0), (2.5, 2.5), (False, None), (None, None)],
)  # fmt: skip
def test_as_number(text: Any, number: float | None) -> None:
    assert as_number(text) == number


# --- booleans, text and None --------------------------------------------------------------------


@table(
    ("yes", True, TIGHT, True),
    ("Yes.", True, TIGHT, True),
    ("true", True, TIGHT, True),
    ("TRUE", True, TIGHT, True),
    (True, True, TIGHT, True),
    ("no", False, TIGHT, True),
    ("No", False, TIGHT, True),
    ("false", False, TIGHT, True),
    ("'False'", False, TIGHT, True),
    (False, False, TIGHT, True),
    ("no", True, TIGHT, False),
    ("false", True, TIGHT, False),
    ("yes", False, TIGHT, False),
    (True, False, TIGHT, False),
    ("maybe", True, TIGHT, False),
    ("maybe", False, TIGHT, False),
    ("1", True, TIGHT, False),
    ("0", False, TIGHT, False),
    ("", False, TIGHT, False),
    (None, False, TIGHT, False),
)
def test_booleans(predicted: Any, truth: Any, check: Check, expected: bool) -> None:
    assert matches(predicted, truth, check) is expected


@table(
    ("Paris", "paris", Check(), True),
    ("PARIS", "Paris", Check(), True),
    ("  hello   world  ", "hello world", Check(), True),
    ("hello\n\tworld", "hello world", Check(), True),
    ('"Paris"', "Paris", Check(), True),
    ("'Paris'", "Paris", Check(), True),
    ("Paris.", "Paris", Check(), True),
    ('"Paris".', "Paris", Check(), True),
    ("'Paris.'", "Paris", Check(), True),
    ("Paris", "Paris.", Check(), True),
    ("Lyon", "Paris", Check(), False),
    ("Paris, France", "Paris", Check(), False),
    ("helloworld", "hello world", Check(), False),
    ("Paris!", "Paris", Check(), False),
    # case_sensitive is honoured, the other normalizations still apply
    ("Paris", "Paris", CASE, True),
    ("  'Paris'. ", "Paris", CASE, True),
    ("paris", "Paris", CASE, False),
    ("PARIS", "Paris", CASE, False),
    ("ACGT", "acgt", CASE, False),
    ("ACGT", "acgt", Check(), True),
)
def test_text(predicted: Any, truth: Any, check: Check, expected: bool) -> None:
    assert matches(predicted, truth, check) is expected


@table(
    (None, None, Check(), True),
    ("None", None, Check(), True),
    ("null", None, Check(), True),
    ("", None, Check(), True),
    ("0", None, Check(), False),
    ("nothing here", None, Check(), False),
    ([], None, Check(), False),
    (None, "None", Check(), True),
    (None, 0, Check(), False),
)
def test_none(predicted: Any, truth: Any, check: Check, expected: bool) -> None:
    assert matches(predicted, truth, check) is expected


# --- containers ---------------------------------------------------------------------------------


@table(
    # in order by default
    ("[1, 2, 3]", [1, 2, 3], Check(), True),
    ([1, 2, 3], [1, 2, 3], Check(), True),
    ("[3, 2, 1]", [1, 2, 3], Check(), False),
    ("[1, 2]", [1, 2, 3], Check(), False),
    ("[1, 2, 3, 4]", [1, 2, 3], Check(), False),
    ("[1, 2, 4]", [1, 2, 3], Check(), False),
    ("[1.501, 2]", [1.5, 2], Check(), True),  # values to the task's precision
    ("[1.501, 2]", [1.5, 2], TIGHT, False),
    ('["a", "b"]', ["a", "b"], Check(), True),  # JSON
    ("['A', 'b']", ["a", "b"], Check(), True),  # text rules inside
    ("['A', 'b']", ["a", "b"], CASE, False),
    ("[true, false]", [True, False], Check(), True),
    ("[]", [], Check(), True),
    ("[]", [1], Check(), False),
    ("3", [3], Check(), True),
    # unordered: compared as multisets
    ("[3, 2, 1]", [1, 2, 3], UNORDERED, True),
    (["c", "a", "b"], ["a", "b", "c"], UNORDERED, True),
    ("[1, 1, 2]", [1, 2, 2], UNORDERED, False),
    ("[1, 2]", [1, 2, 2], UNORDERED, False),
    ("[1, 2, 4]", [1, 2, 3], UNORDERED, False),
    # "a, b, c" text
    ("a, b, c", ["a", "b", "c"], Check(), True),
    ("a,b,c", ["a", "b", "c"], Check(), True),
    ("A, B, C.", ["a", "b", "c"], Check(), True),
    ("c, b, a", ["a", "b", "c"], Check(), False),
    ("c, b, a", ["a", "b", "c"], UNORDERED, True),
    ("a, b", ["a", "b", "c"], Check(), False),
    ("1, 2, 3", [1, 2, 3], Check(), True),
    ("[a, b, c]", ["a", "b", "c"], Check(), True),
    # tuples and lists are the same sequence
    ("(1, 2)", (1, 2), Check(), True),
    ("[1, 2]", (1, 2), Check(), True),
    ((1, 2), [1, 2], Check(), True),
    ([1, 2], (1, 2), Check(), True),
    ((2, 1), (1, 2), Check(), False),
    ("(1, 2, 3)", (1, 2), Check(), False),
    # nested
    ("[[1, 2], [3]]", [[1, 2], [3]], Check(), True),
    ([[1, 2], [3]], [[1, 2], [3]], Check(), True),
    ("[[1, 2], [4]]", [[1, 2], [3]], Check(), False),
    ("[[2, 1], [3]]", [[1, 2], [3]], Check(), False),
    ("[[2, 1], [3]]", [[1, 2], [3]], UNORDERED, True),
    ("[[3], [1, 2]]", [[1, 2], [3]], UNORDERED, True),
    ("[[1, 2, 3]]", [[1, 2], [3]], Check(), False),
    ("[('x', 1.5), ('y', 2)]", [["x", 1.5], ["y", 2]], Check(), True),
    ("[('x', 1.6), ('y', 2)]", [["x", 1.5], ["y", 2]], Check(), False),
)
def test_lists(predicted: Any, truth: Any, check: Check, expected: bool) -> None:
    assert matches(predicted, truth, check) is expected


@table(
    ('{"a": 1, "b": 2}', {"a": 1, "b": 2}, Check(), True),
    ('{"b": 2, "a": 1}', {"a": 1, "b": 2}, Check(), True),  # key order is irrelevant
    ({"b": 2, "a": 1}, {"a": 1, "b": 2}, Check(), True),
    ("{'b': 2, 'a': 1}", {"a": 1, "b": 2}, Check(), True),
    ('{"a": 1.501, "b": 2}', {"a": 1.5, "b": 2}, Check(), True),  # values to the precision
    ('{"a": 1.501, "b": 2}', {"a": 1.5, "b": 2}, TIGHT, False),
    ('{"a": 1, "b": 3}', {"a": 1, "b": 2}, Check(), False),
    ('{"a": 1}', {"a": 1, "b": 2}, Check(), False),  # a missing key
    ('{"a": 1, "b": 2, "c": 3}', {"a": 1, "b": 2}, Check(), False),  # an extra key
    ('{"a": 1, "c": 2}', {"a": 1, "b": 2}, Check(), False),
    ('{"A": 1}', {"a": 1}, Check(), True),  # keys compared as text
    ('{"A": 1}', {"a": 1}, CASE, False),
    ("{1: 'x'}", {"1": "x"}, Check(), True),
    ('{"ok": true, "ids": [2, 1], "note": null}',
     {"ids": [2, 1], "ok": True, "note": None}, Check(), True),
    ('{"ok": true, "ids": [1, 2], "note": null}',
     {"ids": [2, 1], "ok": True, "note": None}, Check(), False),
    ('{"ok": true, "ids": [1, 2], "note": null}',
     {"ids": [2, 1], "ok": True, "note": None}, UNORDERED, True),
    ("[1, 2]", {"a": 1, "b": 2}, Check(), False),
    (None, {}, Check(), False),
    ("{}", {}, Check(), True),
)  # fmt: skip
def test_dicts(predicted: Any, truth: Any, check: Check, expected: bool) -> None:
    assert matches(predicted, truth, check) is expected


# --- tool calls ---------------------------------------------------------------------------------

BOOK = Call("book", {"city": "Paris", "nights": 3, "budget": 450.0, "guests": ["ann", "bob"]})


def _book(**changes: Any) -> Call:
    return Call(BOOK.name, {**BOOK.args, **changes})


@pytest.mark.parametrize(
    ("made", "check", "expected"),
    [
        pytest.param(BOOK, Check(), True, id="same"),
        pytest.param(Call("book", dict(reversed(list(BOOK.args.items())))), Check(), True,
                     id="arg-order"),
        pytest.param(_book(city="paris"), Check(), True, id="text-rules"),
        pytest.param(_book(nights="3"), Check(), True, id="number-as-text"),
        pytest.param(_book(budget=450.001), Check(), True, id="within-tolerance"),
        pytest.param(_book(budget=450.001), TIGHT, False, id="outside-tolerance"),
        pytest.param(_book(budget=451.0), Check(), False, id="wrong-number"),
        pytest.param(_book(city="Lyon"), Check(), False, id="wrong-text"),
        pytest.param(_book(nights=4), Check(), False, id="wrong-int"),
        pytest.param(_book(guests=["bob", "ann"]), Check(), False, id="list-out-of-order"),
        pytest.param(_book(guests=["bob", "ann"]), UNORDERED, True, id="list-unordered"),
        pytest.param(_book(guests=["bob"]), UNORDERED, False, id="list-missing-item"),
        pytest.param(_book(guests="ann, bob"), Check(), True, id="list-as-text"),
        pytest.param(Call("reserve", BOOK.args), Check(), False, id="other-tool"),
        pytest.param(_book(pets=0), Check(), False, id="extra-arg"),
        pytest.param(Call("book", {k: v for k, v in BOOK.args.items() if k != "guests"}),
                     Check(), False, id="missing-arg"),
        pytest.param(Call("book", {**{k: v for k, v in BOOK.args.items() if k != "nights"},
                                   "night": 3}), Check(), False, id="misnamed-arg"),
    ],
)  # fmt: skip
def test_call_matches(made: Call, check: Check, expected: bool) -> None:
    assert call_matches(made, BOOK, check) is expected


def test_call_matches_a_call_without_arguments() -> None:
    assert call_matches(Call("now"), Call("now"))
    assert not call_matches(Call("now", {"tz": "UTC"}), Call("now"))
    assert not call_matches(Call("today"), Call("now"))


# --- answer_text: how a reference solution writes the ground truth -----------------------------

ROUND_TRIP = [
    8100.0, 8100.7, 0.1 + 0.2, -3.25, 1 / 3, 2 / 3 * 1e7, 1234567.891, 6.02e23, 1e-7, 0.000123456789,
    0, 8100, -42, 10**18, 12345678901234567,
    True, False,
    [1, 2, 3], [0.1 + 0.2, "a"], ["Paris", "New York"], ["a, b", "c"], [], [[1, 2], [3]], (4, 5),
    [{"x": 1}],
    {"a": 1, "b": [2.5, "x"]}, {"event_id": 8, "conflicts": []}, {"ok": True, "note": None}, {},
    "Paris", "hello world", "ACGT", "it's fine", "Done.", "", "007",
    None,
]  # fmt: skip


@pytest.mark.parametrize("answer", ROUND_TRIP, ids=_id)
def test_answer_text_round_trips(answer: Any) -> None:
    text = answer_text(answer)
    assert isinstance(text, str)
    assert matches(text, answer)


@pytest.mark.parametrize(
    ("answer", "other"),
    [(8100.7, 8100), (0.5, 0), (1 / 3, 0.34), ([1, 2], [2, 1]), ({"a": 1}, {"a": 2}),
     ("Paris", "Lyon"), (True, False), (1e-7, "x")],
)  # fmt: skip
def test_answer_text_is_not_taken_for_another_answer(answer: Any, other: Any) -> None:
    assert not matches(answer_text(answer), other)


def test_answer_text_writes_floats_to_six_decimals() -> None:
    assert answer_text(1 / 3) == "0.333333"
    assert answer_text(8100.0) == "8100"
    assert answer_text(1234567.891) == "1234567.891"
    assert answer_text(2.5e20) == "2.5e+20"
    assert answer_text([1, "a"]) == "[1, 'a']"
    assert answer_text("Paris") == "Paris"
