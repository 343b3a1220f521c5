"""Argument checks the atomic suite's APIs share: each raises a ValueError that says what the
documentation asks for (dates as YYYY-MM-DD, times as HH:MM, one of the known options, ...)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{2}):(\d{2})")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _date(value: object) -> str:
    if not isinstance(value, str) or not _DATE.fullmatch(value.strip()):
        raise ValueError(f"a date is written YYYY-MM-DD, like 2024-05-14; got {value!r}")
    try:
        dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a real date") from None
    return value.strip()


def _time(value: object) -> str:
    found = _TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise ValueError(f"a time is written HH:MM on a 24-hour clock, like 18:30; got {value!r}")
    return found.group(0)


def _span(start: object, end: object) -> tuple[str, str]:
    first, last = _time(start), _time(end)
    if last <= first:
        raise ValueError(f"the end ({last}) must be after the start ({first})")
    return first, last


def _pick(value: object, options: Iterable[str], what: str) -> str:
    """The option named by `value`, case-insensitively; an error that lists the options."""
    choices = list(options)
    wanted = str(value).strip().lower()
    for option in choices:
        if option.lower() == wanted:
            return option
    raise ValueError(f"unknown {what} {value!r}; known: {', '.join(choices)}")


def _strings(value: object, what: str) -> list[str]:
    """A list of strings; a single string counts as a one-item list."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise ValueError(f"{what} must be a list of strings; got {value!r}")
    return [str(i).strip() for i in items]


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} must be a number; got {value!r}")
    return float(value)


def _count(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a whole number of at least 1; got {value!r}")
    return value
