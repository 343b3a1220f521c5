"""WikiTableQuestions' denotation matching (after the data set's official evaluator).

A value is a number (read by int() or float()), a date (yyyy-mm-dd, xx for unknown parts), or a
normalized string: diacritics removed, quotes and dashes unified, trailing citations, bracketed
details and a final period dropped, whitespace collapsed, lower case. A prediction matches a
target list when both have the same number of values and each target matches one predicted value
(order does not matter): numbers within 1e-6, dates field by field, strings when equal.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from dataclasses import dataclass

_DATE = re.compile(r"^([0-9xX]{4})-([0-9xX]{2})-([0-9xX]{2})$")


def normalize(text: str) -> str:
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text) if unicodedata.category(c) != "Mn"
    )
    text = re.sub(r"[‘’´`]", "'", text)
    text = re.sub(r"[“”]", '"', text)
    text = re.sub(r"[‐‑‒–—−]", "-", text)
    while True:
        before = text
        text = re.sub(r"((?<!^)\[[^\]]*\]|\[\d+\]|[•♦†‡*#+])*$", "", text.strip())
        text = re.sub(r"(?<!^)( \([^)]*\))*$", "", text.strip())
        text = re.sub(r'^"([^"]*)"$', r"\1", text.strip())
        if text == before:
            break
    text = text.removesuffix(".")
    return re.sub(r"\s+", " ", text).lower().strip()


@dataclass(frozen=True)
class Value:
    text: str  # normalized
    number: float | None = None
    date: tuple[int, int, int] | None = None

    def matches(self, other: Value) -> bool:
        if self.number is not None and other.number is not None:
            return abs(self.number - other.number) < 1e-6
        if self.date is not None and other.date is not None:
            return self.date == other.date
        return self.text == other.text


def to_value(original: str) -> Value:
    text = normalize(original)
    return Value(text, _number(original.strip()), _date(text))


def _number(text: str) -> float | None:
    for parse in (int, float):
        try:
            value = float(parse(text))
        except (ValueError, OverflowError):
            continue
        if not (math.isnan(value) or math.isinf(value)):
            return value
    return None


def _date(text: str) -> tuple[int, int, int] | None:
    found = _DATE.match(text)
    if not found:
        return None
    parts = tuple(-1 if "x" in p.lower() else int(p) for p in found.groups())
    return (parts[0], parts[1], parts[2]) if any(p >= 0 for p in parts) else None


def check_denotation(targets: list[str], predicted: list[str]) -> bool:
    target_values = [to_value(t) for t in targets]
    predicted_values = [to_value(p) for p in predicted]
    if len(target_values) != len(predicted_values):
        return False
    return all(any(t.matches(p) for p in predicted_values) for t in target_values)


def split_answer(answer: str) -> list[str]:
    """The values of a model's answer: a Python or JSON list, else values separated by '|'."""
    text = answer.strip()
    if text.startswith(("[", "(")):
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            parsed = None
        if isinstance(parsed, list | tuple):
            return [str(v) for v in parsed]
    return [part.strip() for part in text.split("|")]
