"""Realistic first mistakes for the experts: the slips a strong model makes and then fixes."""

from __future__ import annotations

import keyword
import random
import re

_CALL = re.compile(r"(?<!def )(?<![\w.\"'])([A-Za-z_][A-Za-z0-9_]{4,})\s*\(|\.([A-Za-z_]\w{4,})\(")


def misspell(code: str, rng: random.Random) -> str:
    """`code` with one called name misspelled (two inner letters swapped): a NameError or an
    AttributeError, whatever the kernel already holds. Keywords and definitions are left alone."""
    calls = [
        (m.start(m.lastindex or 1), m.group(m.lastindex or 1))
        for m in _CALL.finditer(code)
        if not keyword.iskeyword(m.group(m.lastindex or 1))
        and len(set(m.group(m.lastindex or 1)[1:-1])) > 1
    ]
    if not calls:
        raise ValueError("no call long enough to misspell")
    start, name = rng.choice(calls)
    i = rng.randrange(1, len(name) - 2)
    while name[i] == name[i + 1]:
        i = (i % (len(name) - 3)) + 1
    wrong = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return code[:start] + wrong + code[start + len(name) :]
