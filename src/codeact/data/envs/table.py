"""Table QA: WikiTableQuestions-format questions over a table in the kernel (`conn` or `df`).

The format (Pasupat & Liang, 2015): `data/training.tsv` and `data/pristine-unseen-tables.tsv`
with the columns `id`, `utterance`, `context` (a table path such as `csv/204-csv/590.csv`) and
`targetValue` (several values separated by `|`), and the tables as CSV files under `csv/`. As in
the paper, the kernel is prepared with the table either as `conn`, an SQLite connection holding
the table `data_table`, or as `df`, a pandas DataFrame; the task says which. Answers are checked
by WikiTQ's denotation matching (`denotation.py`).

The shipped sample (`codeact.data.synth.table`) is invented, and its TSV carries two extra
columns, `sql` and `pandas`, the programs the expert runs. On real data the expert can only
restate the target.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zlib
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
)
from codeact.data.envs.denotation import check_denotation, split_answer
from codeact.data.io import DataFileError

SPLIT_FILES = {"train": "training.tsv", "test": "pristine-unseen-tables.tsv"}
ANSWER_MARK = "ANSWER:"
MAX_TABLE = 4 * 1024 * 1024  # bytes of one table file
PROMPT = (
    "Answer the question about the table {where}. Its columns are: {columns}. Give the answer in "
    "<solution></solution>; separate several values with |.\n\nQuestion: {question}"
)
WHERE = {
    "sqlite": "loaded in the kernel as `conn`, an SQLite connection with the table `data_table`",
    "pandas": "loaded in the kernel as `df`, a pandas DataFrame",
}
SETUP = {
    "sqlite": (
        "import csv as _csv, io as _io, re as _re, sqlite3\n"
        "_rows = list(_csv.reader(_io.StringIO({csv!r})))\n"
        "def _cell(v):\n"
        "    if _re.fullmatch(r'-?\\d+', v): return int(v)\n"
        "    if _re.fullmatch(r'-?\\d+\\.\\d+', v): return float(v)\n"
        "    return v\n"
        "conn = sqlite3.connect(':memory:')\n"
        "conn.execute('CREATE TABLE data_table (' + ', '.join('`' + c.replace('`', '``') + '`' for c in {columns!r}) + ')')\n"
        "conn.executemany('INSERT INTO data_table VALUES (' + ', '.join('?' * len(_rows[0])) + ')',\n"
        "                 [[_cell(v) for v in row] for row in _rows[1:]])\n"
        "del _rows, _cell"
    ),
    "pandas": "import io as _io\nimport pandas as pd\ndf = pd.read_csv(_io.StringIO({csv!r}))",
}


@dataclass
class TableQuestion(Record):
    question: str
    targets: list[str]
    table_csv: str
    columns: list[str]
    backend: str  # sqlite or pandas
    sql: str
    pandas: str


def unescape(text: str) -> str:
    r"""WikiTQ's TSV escapes: \n newline, \p pipe, \\ backslash."""
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "p": "|", "\\": "\\"}.get(m.group(1), m.group(0)), text
    )


def targets_of(field: str) -> list[str]:
    return [unescape(part) for part in field.split("|")]


class TableEnv(Environment[TableQuestion]):
    name = "table"
    description = "WikiTableQuestions-format questions over a table as SQLite `conn` or pandas `df`"

    def load(self, split: str, path: Path | None = None) -> list[TableQuestion]:
        path = path or samples_dir("table")
        tsv = path / "data" / SPLIT_FILES[split] if path.is_dir() else path
        root = tsv.parent.parent if tsv.parent.name == "data" else tsv.parent
        try:
            lines = tsv.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise DataFileError(f"{tsv}: cannot read ({exc.strerror or exc})") from exc
        if not lines:
            raise DataFileError(f"{tsv}: empty file")
        header = lines[0].split("\t")
        missing = {"id", "utterance", "context", "targetValue"} - set(header)
        if missing:
            raise DataFileError(f"{tsv}:1: missing columns {sorted(missing)}")
        records = []
        for number, line in enumerate(lines[1:], 2):
            if not line.strip():
                continue
            cells = line.split("\t")
            if len(cells) != len(header):
                raise DataFileError(
                    f"{tsv}:{number}: {len(cells)} fields, the header has {len(header)}"
                )
            records.append(
                self._record(dict(zip(header, cells, strict=True)), root, f"{tsv}:{number}")
            )
        return records

    def _record(self, row: dict[str, str], root: Path, where: str) -> TableQuestion:
        table_path = root / row["context"]
        try:
            text = table_path.read_bytes()[: MAX_TABLE + 1].decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(f"{where}: cannot read the table {row['context']} ({exc})") from exc
        if len(text) > MAX_TABLE:
            raise DataFileError(f"{where}: the table {row['context']} is over {MAX_TABLE} bytes")
        header = next(csv.reader(io.StringIO(text)), [])
        backend = "sqlite" if zlib.crc32(row["id"].encode()) % 2 == 0 else "pandas"
        return TableQuestion(
            id=row["id"], question=unescape(row["utterance"]), targets=targets_of(row["targetValue"]),
            table_csv=text, columns=_unique(header), backend=backend,
            sql=unescape(row.get("sql", "")), pandas=unescape(row.get("pandas", "")),
        )  # fmt: skip

    def prompt(self, record: TableQuestion) -> str:
        columns = ", ".join(record.columns)
        return PROMPT.format(where=WHERE[record.backend], columns=columns, question=record.question)

    def setup(self, record: TableQuestion) -> str:
        return SETUP[record.backend].format(csv=record.table_csv, columns=record.columns)

    def check(self, record: TableQuestion, submission: Submission) -> bool:
        return check_denotation(record.targets, split_answer(submission.answer))

    def expert(self, record: TableQuestion, mistake: bool, rng: random.Random) -> Policy:
        program = record.sql if record.backend == "sqlite" else record.pandas
        if not program:  # real data: nothing to compute with
            yield solution("|".join(record.targets))
            return
        code = _answer_code(program, record.backend)
        if mistake:
            observation = yield execute(
                _answer_code(_wrong_column(program, record.columns, rng), record.backend)
            )
            require(failed(observation), "the wrong column to raise")
            observation = yield execute(_show_columns(record.backend))
        else:
            observation = yield execute(_preview(record.backend))
        require(not failed(observation), "the table to be there")
        observation = yield execute(code)
        require(ANSWER_MARK in observation and not failed(observation), "the query to answer")
        yield solution(observation.split(ANSWER_MARK, 1)[1].splitlines()[0].strip())


def _answer_code(program: str, backend: str) -> str:
    if backend == "sqlite":
        return (
            f"rows = conn.execute({program!r}).fetchall()\n"
            "print('ANSWER:', '|'.join(str(value) for row in rows for value in row))"
        )
    return (
        f"answer = {program}\nvalues = list(answer) if hasattr(answer, '__iter__') and not isinstance(answer, str) else [answer]\n"
        "print('ANSWER:', '|'.join(str(v) for v in values))"
    )


def _preview(backend: str) -> str:
    if backend == "sqlite":
        return "for row in conn.execute('SELECT * FROM data_table LIMIT 5'):\n    print(row)"
    return "print(df.head())"


def _show_columns(backend: str) -> str:
    if backend == "sqlite":
        return "print([column[1] for column in conn.execute('PRAGMA table_info(data_table)')])"
    return "print(df.columns.tolist())"


def _wrong_column(program: str, columns: list[str], rng: random.Random) -> str:
    """The program with one column name a little wrong (a letter dropped, or an s added)."""
    used = [c for c in columns if f"`{c}`" in program or f"'{c}'" in program or f'"{c}"' in program]
    require(bool(used), "a column name in the program")
    column = rng.choice(used)
    wrong = column[:-1] if column.endswith("s") else column + "s"
    for quote in ("`", "'", '"'):
        program = program.replace(f"{quote}{column}{quote}", f"{quote}{wrong}{quote}", 1)
    return program


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out
