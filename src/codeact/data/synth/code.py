"""Generates the APPS-format sample: problem families with invented stories and parameters.

Every family has a reference solution, an off-by-one (or similar) slip that fails the first
example, and an input generator; expected outputs are computed by running the reference here.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import sys
from collections.abc import Callable
from typing import Any

from codeact.data.synth.names import NameMaker

Spec = dict[str, Any]


def _nums(rng: random.Random, n: int, lo: int = -50, hi: int = 99) -> list[int]:
    return [rng.randint(lo, hi) for _ in range(n)]


def _line(xs: list[int]) -> str:
    return f"{len(xs)}\n{' '.join(map(str, xs))}\n"


def multiples(rng: random.Random, who: str) -> Spec:
    k = rng.randint(2, 9)
    return {
        "story": f"{who} keeps a ledger of integers and only trusts the entries divisible by {k}.",
        "task": f"Print the sum of the given numbers that are divisible by {k}.",
        "input": "The first line holds n (1 <= n <= 100). The second line holds n integers.",
        "output": "Print one integer.",
        "solution": f"n = int(input())\nnums = list(map(int, input().split()))\nprint(sum(x for x in nums if x % {k} == 0))",
        "slip": f"n = int(input())\nnums = list(map(int, input().split()))\nprint(sum(nums[i] for i in range(1, n) if nums[i] % {k} == 0))",
        "cases": lambda: _line([k * rng.randint(1, 9), *_nums(rng, rng.randint(3, 12))]),
    }


def window(rng: random.Random, who: str) -> Spec:
    k = rng.randint(2, 5)
    return {
        "story": f"{who} measures rainfall every day and wants the wettest stretch of {k} consecutive days.",
        "task": f"Print the largest sum of {k} consecutive values.",
        "input": f"The first line holds n ({k} <= n <= 100). The second line holds n integers.",
        "output": "Print one integer.",
        "solution": f"n = int(input())\na = list(map(int, input().split()))\nprint(max(sum(a[i:i + {k}]) for i in range(n - {k} + 1)))",
        "slip": f"n = int(input())\na = list(map(int, input().split()))\nprint(max(sum(a[i:i + {k}]) for i in range(n - {k})))",
        "cases": lambda: _line(_nums(rng, rng.randint(k + 1, 12), 0, 40) + [99] * k),
    }


def second_largest(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"At {who}'s contest the gold medal is taken; the silver goes to the second highest distinct score.",
        "task": "Print the second largest distinct value, or -1 if there is none.",
        "input": "The first line holds n (1 <= n <= 100). The second line holds n integers.",
        "output": "Print one integer.",
        "solution": "n = int(input())\nvals = sorted(set(map(int, input().split())))\nprint(vals[-2] if len(vals) > 1 else -1)",
        "slip": "n = int(input())\nvals = sorted(map(int, input().split()))\nprint(vals[-2] if len(vals) > 1 else -1)",
        "cases": lambda: _line([50, 50, *_nums(rng, rng.randint(1, 8), 0, 45)]),
    }


def min_balance(rng: random.Random, who: str) -> Spec:
    start = rng.randint(0, 100)
    return {
        "story": f"{who}'s account starts at {start} coins; each line of the statement is a deposit (positive) or a withdrawal (negative).",
        "task": "Print the lowest balance the account ever reaches, including the start.",
        "input": "The first line holds n (1 <= n <= 100). The second line holds n integers.",
        "output": "Print one integer.",
        "solution": f"n = int(input())\nbalance = low = {start}\nfor x in map(int, input().split()):\n    balance += x\n    low = min(low, balance)\nprint(low)",
        "slip": f"n = int(input())\nbalance = low = {start}\nfor x in map(int, input().split()):\n    low = min(low, balance)\n    balance += x\nprint(low)",
        "cases": lambda: _line([*_nums(rng, rng.randint(1, 8), -30, 30), -start - 200]),
    }


def longest_run(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"{who} writes a line of letters and wonders how long the longest block of one repeated letter is.",
        "task": "Print the length of the longest run of equal consecutive characters.",
        "input": "One line with a string of lowercase letters (1 <= length <= 1000).",
        "output": "Print one integer.",
        "solution": "s = input().strip()\nbest = run = 1\nfor i in range(1, len(s)):\n    run = run + 1 if s[i] == s[i - 1] else 1\n    best = max(best, run)\nprint(best)",
        "slip": "s = input().strip()\nbest = run = 1\nfor i in range(1, len(s) - 1):\n    run = run + 1 if s[i] == s[i - 1] else 1\n    best = max(best, run)\nprint(best)",
        "cases": lambda: (
            "".join("ab"[i % 2] * rng.randint(1, 3) for i in range(rng.randint(2, 8)))
            + "z" * rng.randint(4, 6)
            + "\n"
        ),
    }


def pairs_divisible(rng: random.Random, who: str) -> Spec:
    k = rng.randint(2, 7)
    return {
        "story": f"{who} pairs up crates so that every pair's total weight splits evenly into {k} trucks.",
        "task": f"Count the pairs i < j with a_i + a_j divisible by {k}.",
        "input": "The first line holds n (2 <= n <= 200). The second line holds n integers.",
        "output": "Print one integer.",
        "solution": f"n = int(input())\na = list(map(int, input().split()))\nprint(sum((a[i] + a[j]) % {k} == 0 for i in range(n) for j in range(i + 1, n)))",
        "slip": f"n = int(input())\na = list(map(int, input().split()))\nprint(sum((a[i] + a[j]) % {k} == 0 for i in range(n - 1) for j in range(i + 1, n - 1)))",
        "cases": lambda: _line([*_nums(rng, rng.randint(3, 10), 0, 30), k, 2 * k]),
    }


def reverse_words(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"{who} receives messages written back to front, word by word.",
        "task": "For each of the q lines, print its words in reverse order, separated by single spaces.",
        "input": "The first line holds q (1 <= q <= 50). Then q lines of words follow.",
        "output": "Print q lines.",
        "solution": "q = int(input())\nfor _ in range(q):\n    print(' '.join(input().split()[::-1]))",
        "slip": "q = int(input())\nfor _ in range(q - 1):\n    print(' '.join(input().split()[::-1]))",
        "cases": lambda: (lambda ls: f"{len(ls)}\n" + "\n".join(ls) + "\n")(
            [
                " ".join(
                    rng.choice(["red", "kite", "moss", "lamp", "fog", "owl", "tin", "reed"])
                    for _ in range(rng.randint(1, 6))
                )
                for _ in range(rng.randint(1, 4))
            ]
        ),
    }


def grid_rows(rng: random.Random, who: str) -> Spec:
    mark = rng.choice("#*@")
    return {
        "story": f"{who} surveys a field drawn as a grid where '{mark}' marks a tree.",
        "task": "Print the 1-based index of the row with the most trees (the first such row on a tie).",
        "input": "The first line holds r and c. Then r lines of c characters follow.",
        "output": "Print one integer.",
        "solution": f"r, c = map(int, input().split())\nrows = [input() for _ in range(r)]\ncounts = [row.count('{mark}') for row in rows]\nprint(counts.index(max(counts)) + 1)",
        "slip": f"r, c = map(int, input().split())\nrows = [input() for _ in range(r)]\ncounts = [row.count('{mark}') for row in rows]\nprint(counts.index(max(counts)))",
        "cases": lambda: (
            lambda r, c: (
                f"{r} {c}\n"
                + "\n".join(
                    "".join(rng.choice([".", ".", mark]) for _ in range(c)) for _ in range(r)
                )
                + "\n"
            )
        )(rng.randint(1, 5), rng.randint(2, 6)),
    }


def rotate(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"{who} arranges chairs in a row and shifts everyone k seats to the right, wrapping around.",
        "task": "Return the list rotated right by k positions.",
        "fn_name": "rotate",
        "starter": "def rotate(nums, k):\n    pass",
        "solution": "def rotate(nums, k):\n    if not nums:\n        return []\n    k %= len(nums)\n    return nums[-k:] + nums[:-k] if k else list(nums)",
        "slip": "def rotate(nums, k):\n    if not nums:\n        return []\n    k %= len(nums)\n    return nums[-k + 1:] + nums[:-k + 1]",
        "first": [[1, 2, 3, 4], 1],
        "cases": lambda: [_nums(rng, rng.randint(2, 8), 0, 9), rng.randint(1, 10)],
    }


def balanced(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"{who} checks the brackets in old manuscripts: (), [] and {{}} must be closed in the right order.",
        "task": "Return True if the brackets of s are balanced, else False. Other characters are ignored.",
        "fn_name": "is_balanced",
        "starter": "def is_balanced(s):\n    pass",
        "solution": "def is_balanced(s):\n    pairs = {')': '(', ']': '[', '}': '{'}\n    stack = []\n    for ch in s:\n        if ch in '([{':\n            stack.append(ch)\n        elif ch in pairs:\n            if not stack or stack.pop() != pairs[ch]:\n                return False\n    return not stack",
        "slip": "def is_balanced(s):\n    pairs = {')': '(', ']': '[', '}': '{'}\n    stack = []\n    for ch in s[:-1]:\n        if ch in '([{':\n            stack.append(ch)\n        elif ch in pairs:\n            if not stack or stack.pop() != pairs[ch]:\n                return False\n    return not stack",
        "first": ["([]{})"],
        "cases": lambda: ["".join(rng.choice("()[]{}ab") for _ in range(rng.randint(1, 10)))],
    }


def digit_root(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"{who} adds up the digits of a number, again and again, until one digit is left.",
        "task": "Return that final single digit.",
        "fn_name": "digit_root",
        "starter": "def digit_root(n):\n    pass",
        "solution": "def digit_root(n):\n    while n >= 10:\n        n = sum(int(d) for d in str(n))\n    return n",
        "slip": "def digit_root(n):\n    while n > 10:\n        n = sum(int(d) for d in str(n))\n    return n",
        "first": [10],
        "cases": lambda: [rng.choice([19, 28, rng.randint(0, 10**9)])],
    }


def merge_intervals(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"{who} books rooms for meetings given as [start, end] intervals; overlapping or touching ones merge.",
        "task": "Return the merged intervals sorted by start.",
        "fn_name": "merge",
        "starter": "def merge(intervals):\n    pass",
        "solution": "def merge(intervals):\n    out = []\n    for s, e in sorted(intervals):\n        if out and s <= out[-1][1]:\n            out[-1][1] = max(out[-1][1], e)\n        else:\n            out.append([s, e])\n    return out",
        "slip": "def merge(intervals):\n    out = []\n    for s, e in sorted(intervals):\n        if out and s < out[-1][1]:\n            out[-1][1] = max(out[-1][1], e)\n        else:\n            out.append([s, e])\n    return out",
        "first": [[[1, 3], [3, 5], [8, 10]]],
        "cases": lambda: [[sorted(rng.sample(range(0, 30), 2)) for _ in range(rng.randint(1, 5))]],
    }


def caesar(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"{who} encodes notes by shifting every lowercase letter forward in the alphabet, wrapping from z to a.",
        "task": "Return the text with each lowercase letter shifted by shift; other characters stay.",
        "fn_name": "caesar",
        "starter": "def caesar(text, shift):\n    pass",
        "solution": "def caesar(text, shift):\n    return ''.join(chr((ord(c) - 97 + shift) % 26 + 97) if 'a' <= c <= 'z' else c for c in text)",
        "slip": "def caesar(text, shift):\n    return ''.join(chr((ord(c) - 97 + shift) % 25 + 97) if 'a' <= c <= 'z' else c for c in text)",
        "cases": lambda: [
            "xyz " + "".join(rng.choice("abcdefghij ") for _ in range(rng.randint(1, 12))),
            rng.randint(1, 25),
        ],
    }


def top_words(rng: random.Random, who: str) -> Spec:
    return {
        "story": f"{who} counts which words appear most often in a pile of postcards.",
        "task": "Return the k most frequent words, most frequent first; ties in alphabetical order.",
        "fn_name": "top_k",
        "starter": "def top_k(words, k):\n    pass",
        "solution": "from collections import Counter\n\ndef top_k(words, k):\n    counts = Counter(words)\n    return sorted(counts, key=lambda w: (-counts[w], w))[:k]",
        "slip": "from collections import Counter\n\ndef top_k(words, k):\n    counts = Counter(words)\n    return sorted(counts, key=lambda w: (-counts[w], w))[:k - 1]",
        "first": [["owl", "owl", "fig", "ash", "fig", "owl"], 2],
        "cases": lambda: [
            ["owl", "owl", "fig"]
            + [rng.choice(["owl", "fig", "ash", "elm", "yew"]) for _ in range(rng.randint(2, 9))],
            rng.randint(1, 3),
        ],
    }


FAMILIES: list[Callable[[random.Random, str], Spec]] = [
    multiples, window, second_largest, min_balance, longest_run, pairs_divisible, reverse_words,
    grid_rows, rotate, balanced, digit_root, merge_intervals, caesar, top_words,
]  # fmt: skip
TESTS = 6


def _run(spec: Spec, case: Any) -> Any:
    scope: dict[str, Any] = {"__name__": "__main__" if "fn_name" not in spec else "solution"}
    if "fn_name" in spec:
        exec(spec["solution"], scope)
        return json.loads(json.dumps(scope[spec["fn_name"]](*case)))
    out, saved = io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(case)
    scope["input"] = lambda *_: sys.stdin.readline().rstrip("\n")
    try:
        with contextlib.redirect_stdout(out):
            exec(spec["solution"], scope)
    finally:
        sys.stdin = saved
    return out.getvalue()


def _slip_passes(spec: Spec, case: Any, expected: Any) -> bool:
    try:
        return bool(_run({**spec, "solution": spec["slip"]}, case) == expected)
    except Exception:
        return False


def _question(spec: Spec, inputs: list[Any], outputs: list[Any]) -> str:
    parts = [spec["story"], spec["task"]]
    if "fn_name" not in spec:
        parts += [f"-----Input-----\n{spec['input']}", f"-----Output-----\n{spec['output']}"]
        examples = "\n".join(
            f"Input\n{i}Output\n{o}" for i, o in zip(inputs[:2], outputs[:2], strict=True)
        )
    else:
        examples = "\n".join(
            f"{spec['fn_name']}({', '.join(map(repr, i))}) == {o!r}"
            for i, o in zip(inputs[:2], outputs[:2], strict=True)
        )
    return "\n\n".join([*parts, f"-----Examples-----\n{examples}"])


def generate(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    names = NameMaker(rng)
    rows: list[dict[str, Any]] = []
    while len(rows) < n:
        spec = FAMILIES[len(rows) % len(FAMILIES)](rng, names.word((2, 3)))
        inputs = [spec["first"]] if "first" in spec else []
        inputs += [spec["cases"]() for _ in range(TESTS - len(inputs))]
        outputs = [_run(spec, case) for case in inputs]
        if _slip_passes(spec, inputs[0], outputs[0]):
            raise AssertionError(
                f"the slip of {spec['fn_name'] if 'fn_name' in spec else spec['task']} passes its example"
            )
        io_spec: dict[str, Any] = {"inputs": inputs, "outputs": outputs}
        if "fn_name" in spec:
            io_spec["fn_name"] = spec["fn_name"]
        rows.append({
            "problem_id": seed * 10000 + len(rows), "question": _question(spec, inputs, outputs),
            "solutions": json.dumps([spec["solution"]]), "input_output": json.dumps(io_spec),
            "difficulty": "introductory", "url": "", "starter_code": spec.get("starter", ""),
            "slip": spec["slip"],
        })  # fmt: skip
    return rows
