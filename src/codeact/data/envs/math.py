"""Math: competition-style problems in the MATH format, answers checked by math-verify.

The format (Hendrycks et al.): one JSON object per problem with `problem`, `level` ("Level 3"),
`type` ("Algebra") and `solution`, a worked solution whose final answer is in `\\boxed{...}`. The
loader reads the data set's folder layout (`train/algebra/12.json`), a JSON list, or JSONL (one
problem per line, as the Hugging Face copies are), and picks the `train` or `test` part.

The shipped sample is generated (`codeact.data.synth.math`): each answer is computed by sympy, and
each problem carries the extra field `program`, the two cells that compute it, which the expert
runs. On a real data set without programs the expert can only restate the reference answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from codeact.data.envs.base import (
    Environment,
    Policy,
    Record,
    Submission,
    execute,
    failed,
    require,
    samples_dir,
    solution,
    split_folder,
)
from codeact.data.envs.slips import misspell
from codeact.data.io import DataFileError, field, iter_jsonl, read_json
from codeact.errors import MissingDependency

ANSWER_MARK = "ANSWER:"
PROMPT = (
    "Solve the following math problem. You may use Python (sympy is installed). "
    "Give the final answer, simplified, in <solution></solution>.\n\n{problem}"
)


@dataclass
class MathProblem(Record):
    problem: str
    level: str
    type: str
    solution: str
    program: list[str]  # the cells that compute the answer (our samples only)

    @property
    def answer(self) -> str:
        return boxed(self.solution)


def boxed(solution: str) -> str:
    """The content of the last `\\boxed{...}` (or `\\fbox{...}`), braces matched."""
    start = max(solution.rfind("\\boxed{"), solution.rfind("\\fbox{"))
    if start < 0:
        raise ValueError("the solution has no \\boxed{} answer")
    i = solution.index("{", start) + 1
    depth, begin = 1, i
    while i < len(solution):
        depth += {"{": 1, "}": -1}.get(solution[i], 0)
        if depth == 0:
            return solution[begin:i]
        i += 1
    raise ValueError("the \\boxed{} answer is not closed")


def is_equivalent(predicted: str, gold: str) -> bool:
    """math-verify's equivalence (symbolic, numeric, sets and intervals), never string equality."""
    try:
        from math_verify import parse, verify
    except ImportError as exc:
        raise MissingDependency("math-verify", "data", "checking math answers") from exc

    def as_latex(text: str) -> str:
        text = text.strip()
        return text if "$" in text or "\\boxed" in text else f"${text}$"

    gold_parsed = parse(as_latex(gold))
    predicted_parsed = parse(as_latex(predicted))
    return bool(gold_parsed and predicted_parsed and verify(gold_parsed, predicted_parsed))


class MathEnv(Environment[MathProblem]):
    name = "math"
    description = "MATH-format problems solved with Python; answers checked by math-verify"

    def load(self, split: str, path: Path | None = None) -> list[MathProblem]:
        path = path or samples_dir("math") / f"{split}.jsonl"
        if path.is_dir():
            root = split_folder(path, split)
            return [_problem(read_json(f), str(f.relative_to(root).with_suffix("")), str(f))
                    for f in sorted(root.rglob("*.json"))]  # fmt: skip
        if path.suffix == ".jsonl":
            return [_problem(row, str(row.get("unique_id", n)), f"{path}:{n}")
                    for n, row in iter_jsonl(path)]  # fmt: skip
        data = read_json(path)
        rows = data if isinstance(data, list) else [data]
        return [_problem(row, str(i), f"{path}[{i}]") for i, row in enumerate(rows)]

    def prompt(self, record: MathProblem) -> str:
        return PROMPT.format(problem=record.problem)

    def check(self, record: MathProblem, submission: Submission) -> bool:
        return is_equivalent(submission.answer, record.answer)

    def expert(self, record: MathProblem, mistake: bool, rng: random.Random) -> Policy:
        if not record.program:  # a real data set: nothing to compute with
            yield solution(record.answer)
            return
        observation = ""
        for i, cell in enumerate(record.program):
            if mistake and i == len(record.program) - 1:
                observation = yield execute(misspell(cell, rng))
                require(failed(observation), "the misspelled call to raise")
            observation = yield execute(cell)
            require(not failed(observation), f"cell {i + 1} to run cleanly")
        require(ANSWER_MARK in observation, "the program to print its answer")
        yield solution(observation.split(ANSWER_MARK, 1)[1].splitlines()[0].strip())


def _problem(row: object, problem_id: str, where: str) -> MathProblem:
    if not isinstance(row, dict):
        raise DataFileError(f"{where}: expected a JSON object")
    text = field(row, "solution", str, where)
    try:
        boxed(text)
    except ValueError as exc:
        raise DataFileError(f"{where}: {exc}") from None
    program = row.get("program") or []
    return MathProblem(
        id=problem_id.replace("/", "_"),
        problem=field(row, "problem", str, where),
        level=str(row.get("level", "")),
        type=str(row.get("type", "")),
        solution=text,
        program=[str(cell) for cell in program],
    )
