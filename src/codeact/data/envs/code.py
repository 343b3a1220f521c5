"""Coding: APPS-format problems; a candidate program is tested in a fresh sandboxed kernel.

The format (Hendrycks et al., 2021): `question` (the statement, with examples), `input_output`
(`{"inputs": [...], "outputs": [...]}`, plus `fn_name` for call-based problems), `solutions`, and
`starter_code`. In APPS's JSONL `input_output` and `solutions` are JSON encoded as strings; the
loader takes them either way, and also reads the folder layout (`train/0001/question.txt`, ...).

Checking: the program in the final answer is run on every test (until one raises or times out)
in a fresh kernel that the episode never touched. Each test gets fresh globals, its stdin, a time
limit, and stdout captured;
only the outputs leave the kernel (as JSON, size-capped) and are compared on the host, so the
expected outputs never enter the sandbox. Standard-input problems compare lines with surrounding
whitespace ignored (and numbers within 1e-6); call-based ones compare the returned value, also
accepting the value wrapped in a list, as APPS writes its outputs.
"""

from __future__ import annotations

import json
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
from codeact.types import Observation

TIME_LIMIT = 4.0  # seconds per test
MAX_OUTPUT = 64 * 1024  # characters of output kept per test
REPORT = "__codeact_report__"
FENCE = re.compile(r"```(?:python|py|python3)?\s*\n(.*?)```", re.DOTALL)
PROMPT_STDIN = (
    "Solve the following programming problem in Python. Your program reads standard input and "
    "writes standard output. Test it in the kernel if you like, then give the complete program "
    "in <solution></solution>.\n\n{question}"
)
PROMPT_CALL = (
    "Solve the following programming problem in Python by writing the function `{fn_name}`. Test it "
    "in the kernel if you like, then give the complete code in <solution></solution>.\n\n"
    "{question}\n\nStarter code:\n```python\n{starter}\n```"
)


@dataclass
class CodingProblem(Record):
    question: str
    inputs: list[Any]
    outputs: list[Any]
    fn_name: str | None
    starter_code: str
    solutions: list[str]
    slip: str  # a realistic wrong first version (our samples only)


def extract_program(answer: str) -> str:
    """The code in an answer: the first fenced block, else the answer itself."""
    fenced = FENCE.search(answer)
    return (fenced.group(1) if fenced else answer).strip("\n")


def harness(program: str, inputs: list[Any], fn_name: str | None) -> str:
    """Kernel code that runs `program` on each input and prints the outputs as one JSON line."""
    return _HARNESS.format(
        program=program, inputs=json.dumps(inputs), fn_name=fn_name, limit=TIME_LIMIT,
        cap=MAX_OUTPUT, report=REPORT,
    )  # fmt: skip


def read_report(observation: Observation, cases: int) -> list[dict[str, Any]] | None:
    """The per-test results the harness printed, or None when there is no well-formed report."""
    lines = [line for line in observation.output.splitlines() if line.startswith(REPORT)]
    if not lines or len(lines[-1]) > cases * (MAX_OUTPUT * 2 + 1024) + 1024:
        return None
    try:
        report = json.loads(lines[-1][len(REPORT) :])
    except (ValueError, RecursionError):  # the kernel wrote it: malformed or absurdly deep
        return None
    ok = isinstance(report, list) and len(report) <= cases
    return report if ok and all(isinstance(r, dict) for r in report) else None


def same_output(got: Any, expected: Any, call_based: bool) -> bool:
    if call_based:
        return _same_value(got, expected) or _same_value([got], expected)
    if not isinstance(got, str):
        return False
    expected = "\n".join(expected) if isinstance(expected, list) else str(expected)
    got_lines = [line.strip() for line in got.strip().splitlines()]
    want_lines = [line.strip() for line in expected.strip().splitlines()]
    if got_lines == want_lines:
        return True
    got_tokens, want_tokens = got.split(), expected.split()
    return len(got_tokens) == len(want_tokens) and all(
        _same_token(g, w) for g, w in zip(got_tokens, want_tokens, strict=True)
    )


def _same_token(got: str, want: str) -> bool:
    if got == want:
        return True
    try:
        return math.isclose(float(got), float(want), rel_tol=1e-6, abs_tol=1e-6)
    except ValueError:
        return False


def _same_value(got: Any, expected: Any) -> bool:
    if isinstance(got, list | tuple) and isinstance(expected, list | tuple):
        return len(got) == len(expected) and all(
            _same_value(g, e) for g, e in zip(got, expected, strict=True)
        )
    if isinstance(got, float) or isinstance(expected, float):
        try:
            return math.isclose(float(got), float(expected), rel_tol=1e-6, abs_tol=1e-6)
        except (TypeError, ValueError):
            return False
    return bool(got == expected)


class CodeEnv(Environment[CodingProblem]):
    name = "code"
    description = "APPS-format programming problems, tested in a fresh sandboxed kernel"

    def load(self, split: str, path: Path | None = None) -> list[CodingProblem]:
        path = path or samples_dir("code") / f"{split}.jsonl"
        if path.is_dir():
            root = split_folder(path, split)
            return [
                _from_folder(d) for d in sorted(root.iterdir()) if (d / "question.txt").exists()
            ]
        return [_problem(row, f"{path}:{n}", str(row.get("problem_id", n)))
                for n, row in iter_jsonl(path)]  # fmt: skip

    def prompt(self, record: CodingProblem) -> str:
        if record.fn_name:
            return PROMPT_CALL.format(
                fn_name=record.fn_name, question=record.question, starter=record.starter_code
            )
        return PROMPT_STDIN.format(question=record.question)

    def check(self, record: CodingProblem, submission: Submission) -> bool:
        program = extract_program(submission.answer)
        if not program.strip():
            return False
        timeout = TIME_LIMIT * len(record.inputs) + 10
        with submission.kernel() as kernel:
            obs = kernel.execute(harness(program, record.inputs, record.fn_name), timeout=timeout)
        report = read_report(obs, len(record.inputs))
        if report is None:
            return False
        call_based = record.fn_name is not None
        try:
            return len(report) == len(record.outputs) and all(
                r.get("ok") is True and same_output(r.get("out"), want, call_based)
                for r, want in zip(report, record.outputs, strict=True)
            )
        except RecursionError:  # a returned value nested deeper than any expected one
            return False

    def expert(self, record: CodingProblem, mistake: bool, rng: random.Random) -> Policy:
        require(bool(record.solutions), "a reference solution")
        program = record.solutions[0]
        if mistake:
            first = record.slip or misspell(program, rng)
            observation = yield execute(self_test(first, record))
            require(failed(observation), "the first version to fail its test")
        observation = yield execute(self_test(program, record))
        require(not failed(observation), "the program to pass the example")
        yield solution(f"```python\n{program}\n```")


def self_test(program: str, record: CodingProblem) -> str:
    """What the expert runs in the kernel: the program on the first example, checked."""
    if record.fn_name:
        args = ", ".join(repr(a) for a in record.inputs[0])
        expected = record.outputs[0]
        return (
            f"{program}\n\nresult = {record.fn_name}({args})\nprint(result)\n"
            f"assert result == {expected!r} or [result] == {expected!r}, result"
        )
    return (
        f"import io, sys, contextlib\nprogram = {program!r}\nstdin = {record.inputs[0]!r}\n"
        "out = io.StringIO()\nsys.stdin = io.StringIO(stdin)\n"
        "try:\n    with contextlib.redirect_stdout(out):\n"
        "        exec(program, {'__name__': '__main__', 'input': lambda *_: sys.stdin.readline().rstrip('\\n')})\n"
        "finally:\n    sys.stdin = sys.__stdin__\n"
        f"print(out.getvalue())\nassert out.getvalue().split() == {str(record.outputs[0]).split()!r}, "
        "'the output differs from the example'"
    )


def _json_field(row: dict[str, Any], key: str, default: Any, where: str) -> Any:
    value = row.get(key, default)
    if isinstance(value, str) and key != "starter_code":
        if not value.strip():
            return default
        try:
            return json.loads(value)
        except ValueError as exc:
            raise DataFileError(f"{where}: field {key!r} is not valid JSON ({exc})") from None
    return value


def _problem(row: dict[str, Any], where: str, problem_id: str) -> CodingProblem:
    io_spec = _json_field(row, "input_output", None, where)
    if not isinstance(io_spec, dict) or not isinstance(io_spec.get("inputs"), list):
        raise DataFileError(f"{where}: input_output needs lists 'inputs' and 'outputs'")
    outputs = io_spec.get("outputs")
    if not isinstance(outputs, list) or len(outputs) != len(io_spec["inputs"]):
        raise DataFileError(
            f"{where}: input_output has {len(io_spec['inputs'])} inputs but not as many outputs"
        )
    solutions = _json_field(row, "solutions", [], where)
    return CodingProblem(
        id=problem_id, question=field(row, "question", str, where), inputs=io_spec["inputs"],
        outputs=outputs, fn_name=io_spec.get("fn_name"), starter_code=str(row.get("starter_code") or ""),
        solutions=[str(s) for s in solutions] if isinstance(solutions, list) else [],
        slip=str(row.get("slip") or ""),
    )  # fmt: skip


def _from_folder(folder: Path) -> CodingProblem:
    def text(name: str) -> str:
        path = folder / name
        return path.read_text(encoding="utf-8") if path.exists() else ""

    row: dict[str, Any] = {
        "question": text("question.txt"),
        "starter_code": text("starter_code.py"),
    }
    if (folder / "input_output.json").exists():
        row["input_output"] = read_json(folder / "input_output.json")
    if (folder / "solutions.json").exists():
        row["solutions"] = read_json(folder / "solutions.json")
    return _problem(row, str(folder), folder.name)


_HARNESS = """
def _codeact_grade():
    import io, json, signal, sys
    program, inputs, fn_name = {program!r}, json.loads({inputs!r}), {fn_name!r}
    code = compile(program, "<solution>", "exec")

    def expired(*_):
        raise TimeoutError("time limit exceeded")

    signal.signal(signal.SIGALRM, expired)
    results = []
    for case in inputs:
        stdin = io.TextIOWrapper(io.BytesIO((case if isinstance(case, str) else "").encode()))
        out = io.StringIO()
        scope = {{"__name__": "__main__" if fn_name is None else "solution",
                  "input": lambda *_: _readline(stdin)}}
        saved = sys.stdin, sys.stdout
        sys.stdin, sys.stdout = stdin, out
        signal.setitimer(signal.ITIMER_REAL, {limit})
        try:
            exec(code, scope)
            value = None
            if fn_name is not None:
                target = scope.get(fn_name) or getattr(scope["Solution"](), fn_name)
                value = target(*case)
            result = {{"ok": True, "out": out.getvalue()[:{cap}] if fn_name is None else value}}
        except SystemExit:
            result = {{"ok": True, "out": out.getvalue()[:{cap}]}}
        except BaseException as exc:
            result = {{"ok": False, "error": f"{{type(exc).__name__}}: {{exc}}"[:1000]}}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.stdin, sys.stdout = saved
        try:
            json.dumps(result)
        except (TypeError, ValueError):
            result = {{"ok": False, "error": "the returned value is not JSON-like"}}
        results.append(result)
        if not result["ok"]:  # the program failed: the remaining tests need not run
            break
    print("{report}" + json.dumps(results))


def _readline(stream):
    line = stream.readline()
    if not line:
        raise EOFError("EOF when reading a line")
    return line.rstrip("\\n")


_codeact_grade()
"""
