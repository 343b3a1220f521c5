"""Atomic tool calls: given a dialogue and the documentation of an API, make the one right call.

In the spirit of API-Bank's "call" level, with our own APIs, data and dialogues. Each case is a
conversation between a user and an AI assistant that ends with a user request; the model sees the
documentation of one API family (its tools and their docstrings) and must make exactly one call:
the right tool with the right arguments. The values it needs may sit in earlier turns, may need
converting to the format the documentation asks for (dates as YYYY-MM-DD, times as HH:MM, a ticker
for a company name, a unit code), and optional arguments are passed only when the user asks for
them.

Judging (codeact.bench.judges.first_call): the first call the model makes is compared with the
case's `expected_call` (the same tool, the same argument names, each value equal under the task's
Check), and its executed result with `answer`, which is that expected call run on fresh tools.

The cases are in data/atomic.toml (a dialogue and the expected call each), the APIs in apis/.
"""

from __future__ import annotations

from codeact.bench.datafiles import CallRecord, Record, data_file, lazy_suite, read_toml, validate
from codeact.bench.judges import execute
from codeact.bench.suite import Check, Suite, Task, reference
from codeact.bench.tasks.apis import FAMILIES
from codeact.errors import ConfigError

PROMPT = (
    "Dialogue so far:\n{dialogue}\n\n"
    "Make the one API call that serves the user's last request, then give its result as your "
    "final answer."
)
_UNORDERED = Check(unordered=True)  # list arguments whose order the user does not fix
# money to the cent; conversions to the 4 decimals the tool rounds to
_CHECKS = {"bank": Check(tolerance=0.005), "units": Check(decimals=4)}


class Case(Record):
    id: str  # FAMILY-NN
    dialogue: list[str]  # user and AI in turn, ending with the user
    call: CallRecord


class CaseFile(Record):
    name: str
    description: str
    tasks: list[Case]


def render(turns: list[str]) -> str:
    """The dialogue as the prompt shows it: the user speaks first and last."""
    if len(turns) % 2 == 0:
        raise ValueError("a dialogue alternates user and AI turns, and ends with the user")
    return "\n".join(f"{'User' if i % 2 == 0 else 'AI'}: {text}" for i, text in enumerate(turns))


def case_task(case: Case) -> Task:
    domain = case.id.rsplit("-", 1)[0]
    if domain not in FAMILIES:
        raise ValueError(f"case {case.id}: no API family {domain!r}")
    make_tools, call = FAMILIES[domain], case.call.call()
    answer = execute(make_tools(), call)
    has_list = any(isinstance(v, list) and len(v) > 1 for v in call.args.values())
    check = _UNORDERED if has_list else _CHECKS.get(domain, Check())
    return Task(
        id=f"atomic-{case.id}",
        domain=domain,
        prompt=PROMPT.format(dialogue=render(case.dialogue)),
        answer=answer,
        make_tools=make_tools,
        reference=reference(case.id, [call], None, answer, check),
        check=check,
        expected_call=call,
    )


def load() -> Suite:
    where = str(data_file("atomic.toml"))
    cases = validate(read_toml(data_file("atomic.toml")), CaseFile, where)
    try:
        tasks = [case_task(c) for c in cases.tasks]
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return Suite(cases.name, cases.description, tasks, "atomic")


__getattr__ = lazy_suite(load)
