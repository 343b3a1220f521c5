"""Answer checking: correct, lenient about format, strict about value.

`matches(predicted, truth, check)` compares what the model wrote with the ground truth:

- Numbers: the prediction is read as a number after removing currency signs and a trailing %
  ("8,100", "$8,100.00", "8100" all read 8100). Thousands separators count only in groups of
  three ("1,5" is not a number). A Unicode minus sign is a minus. A number is pulled out of a
  sentence only when it is the only number there and no negation is in it ("The total is 8100."
  reads 8100; "It is not 1050." reads nothing). An integer ground truth must be matched exactly;
  any other number within half a unit of the task's stated precision (`Check.decimals`, by
  default two decimal places: 203.09 matches 203.094, 237.9 does not match 237.94), or within
  `Check.tolerance` when the task gives one. Never truncated to int.
- Booleans: true/false, yes/no.
- Text: whitespace collapsed, surrounding quotes and a final period dropped, case-insensitive
  unless the task says otherwise.
- Lists and tuples: the prediction is parsed as a Python or JSON literal, else split on commas;
  lengths must match; elements compared recursively, in order unless the task is `unordered`.
- Dicts: parsed the same way; the same keys (compared as text) and values compared recursively.

`call_matches(made, expected, check)` compares a tool call: the same name, and the same argument
names with values equal under the rules above.
"""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from codeact.bench.suite import Call, Check

_NUMBER = re.compile(
    r"(?<![\w.,])[-+]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?!,?\d)"
)
_NEGATION = re.compile(r"\b(?:not|no|never|none|neither|nor|cannot)\b|n't\b", re.IGNORECASE)
_CURRENCY = re.compile(r"^[\s$€£¥]*|\s*(?:usd|eur|gbp|dollars?|euros?)\s*$", re.IGNORECASE)
_SIGNED_CURRENCY = re.compile(r"([-+])\s*[$€£¥]\s*")  # "-$5": the sign belongs to the number


def matches(predicted: Any, truth: Any, check: Check | None = None) -> bool:
    check = check or Check()
    if isinstance(truth, bool):
        return _as_bool(predicted) is truth
    if isinstance(truth, int | float):
        number = as_number(predicted)
        return number is not None and _same_number(number, truth, check)
    if isinstance(truth, list | tuple):
        return _match_sequence(_as_container(predicted, list), list(truth), check)
    if isinstance(truth, dict):
        return _match_dict(_as_container(predicted, dict), truth, check)
    if truth is None:
        return predicted is None or _text(predicted, check) in ("none", "null", "")
    return _text(predicted, check) == _text(truth, check)


def _same_number(number: int | float, truth: int | float, check: Check) -> bool:
    if check.tolerance is not None:
        return abs(number - truth) <= check.tolerance + 1e-9
    if isinstance(truth, int):
        return number == truth
    return abs(number - truth) <= 0.5 * 10.0**-check.decimals + 1e-9


def call_matches(made: Call, expected: Call, check: Check | None = None) -> bool:
    check = check or Check()
    if made.name != expected.name or set(made.args) != set(expected.args):
        return False
    return all(matches(made.args[k], v, check) for k, v in expected.args.items())


def as_number(value: Any) -> int | float | None:
    """Read a number out of `value` (an int when written as one, so that large integers compare
    exactly); None when it holds no number, several, or a negation."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if not isinstance(value, str):
        return None
    value = value.replace("\u2212", "-").replace("\u2019", "'")
    value = _SIGNED_CURRENCY.sub(r"\1", value)
    text = _CURRENCY.sub("", value.strip().strip("'\"").rstrip(".").strip())
    text = text.removesuffix("%").strip()  # "12%" reads 12: the task states its unit
    found = _NUMBER.fullmatch(text) or _single_number(value)
    if found is None:
        return None
    written = found.group(0).replace(",", "")
    try:
        return int(written) if written.lstrip("+-").isdigit() else float(written)
    except ValueError:
        return None


def _single_number(text: str) -> re.Match[str] | None:
    """The one number in a sentence, unless the sentence holds others or a negation."""
    found = list(_NUMBER.finditer(text))
    if len(found) != 1 or _NEGATION.search(text):
        return None
    return found[0]


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = str(value).strip().strip("'\".").lower()
    return {"true": True, "yes": True, "false": False, "no": False}.get(word)


def _text(value: Any, check: Check) -> str:
    text = " ".join(str(value).split()).rstrip(".").strip()  # '"Paris".' as well as '"Paris."'
    text = text.strip("'\"").rstrip(".").strip()
    return text if check.case_sensitive else text.lower()


def _as_container(value: Any, kind: type) -> Any:
    if isinstance(value, kind) or (kind is list and isinstance(value, tuple)):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip().removesuffix(".").strip()  # "[1, 2]." as a sentence ends
    for read in (ast.literal_eval, json.loads):
        try:
            parsed: Any = read(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if kind is list and isinstance(parsed, list | tuple | set):
            return list(parsed)
        if isinstance(parsed, kind):
            return parsed
    if kind is list:
        inner = text.strip("[]()")
        return [item.strip() for item in inner.split(",")] if inner.strip() else []
    return None


def _match_sequence(predicted: Any, truth: list[Any], check: Check) -> bool:
    if not isinstance(predicted, list | tuple) or len(predicted) != len(truth):
        return False
    if not check.unordered:
        return all(matches(p, t, check) for p, t in zip(predicted, truth, strict=True))
    left = list(predicted)
    for t in truth:  # greedy multiset matching; elements are small values
        hit = next((i for i, p in enumerate(left) if matches(p, t, check)), None)
        if hit is None:
            return False
        left.pop(hit)
    return True


def _match_dict(predicted: Any, truth: dict[Any, Any], check: Check) -> bool:
    if not isinstance(predicted, dict):
        return False
    keys = {_text(k, check): v for k, v in predicted.items()}
    if set(keys) != {_text(k, check) for k in truth}:
        return False
    return all(matches(keys[_text(k, check)], v, check) for k, v in truth.items())
