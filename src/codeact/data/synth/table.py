"""Generates the WikiTableQuestions-format sample: invented tables and questions with programs.

Each question row carries `sql` (for `conn`) and `pandas` (for `df`) programs that compute its
target from the table; the targets are computed here from the same rows.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codeact.data.synth.names import NameMaker

Question = tuple[str, list[Any], str, str]  # utterance, targets, sql, pandas
Table = tuple[list[str], list[list[Any]]]


def standings(rng: random.Random, names: NameMaker) -> tuple[Table, list[Callable[[], Question]]]:
    teams = [
        f"{names.word((2, 2))} {rng.choice(['United', 'Rovers', 'City', 'Athletic', 'Wanderers'])}"
        for _ in range(rng.randint(6, 10))
    ]
    rows: list[list[Any]] = []
    for team in teams:
        won, drawn, lost = rng.randint(0, 20), rng.randint(0, 10), rng.randint(0, 20)
        rows.append([team, won + drawn + lost, won, drawn, lost, 3 * won + drawn])
    rows.sort(key=lambda r: -r[5])
    for i in range(1, len(rows)):  # distinct points, so "most" and "after" have one answer
        rows[i][5] = min(rows[i][5], rows[i - 1][5] - 1)
    header = ["Team", "Played", "Won", "Drawn", "Lost", "Points"]
    a, b = rng.sample(rows, 2)
    k = rng.randint(5, 15)
    i = rng.randrange(len(rows) - 1)
    return (header, rows), [
        lambda: (
            "which team has the most points?",
            [rows[0][0]],
            "SELECT `Team` FROM data_table ORDER BY `Points` DESC LIMIT 1",
            'df.loc[df["Points"].idxmax(), "Team"]',
        ),
        lambda: (
            f"how many teams won more than {k} games?",
            [sum(r[2] > k for r in rows)],
            f"SELECT COUNT(*) FROM data_table WHERE `Won` > {k}",
            f'int((df["Won"] > {k}).sum())',
        ),
        lambda: (
            f"what is the difference in points between {a[0]} and {b[0]}?",
            [abs(a[5] - b[5])],
            f"SELECT ABS((SELECT `Points` FROM data_table WHERE `Team` = '{a[0]}') - (SELECT `Points` FROM data_table WHERE `Team` = '{b[0]}'))",
            f'abs(int(df.loc[df["Team"] == "{a[0]}", "Points"].iloc[0]) - int(df.loc[df["Team"] == "{b[0]}", "Points"].iloc[0]))',
        ),
        lambda: (
            f"which team is listed right after {rows[i][0]}?",
            [rows[i + 1][0]],
            f"SELECT `Team` FROM data_table WHERE rowid = (SELECT rowid FROM data_table WHERE `Team` = '{rows[i][0]}') + 1",
            f'df["Team"].iloc[df.index[df["Team"] == "{rows[i][0]}"][0] + 1]',
        ),
        lambda: (
            "how many games did the team with the fewest losses draw?",
            [min(rows, key=lambda r: (r[4], rows.index(r)))[3]],
            "SELECT `Drawn` FROM data_table ORDER BY `Lost` ASC, rowid ASC LIMIT 1",
            'int(df.sort_values("Lost", kind="stable").iloc[0]["Drawn"])',
        ),
    ]


def election(rng: random.Random, names: NameMaker) -> tuple[Table, list[Callable[[], Question]]]:
    parties = [f"{names.word((2, 2))} Party" for _ in range(3)]
    votes = rng.sample(range(800, 60000), rng.randint(5, 9))
    rows: list[list[Any]] = [
        [names.person(), rng.choice(parties), v] for v in sorted(votes, reverse=True)
    ]
    total = sum(r[2] for r in rows)
    for r in rows:
        r.append(round(100 * r[2] / total, 1))
    header = ["Candidate", "Party", "Votes", "Share"]
    party = rows[0][1]
    limit = rng.choice([5000, 10000, 20000])
    return (header, rows), [
        lambda: (
            "who received the most votes?",
            [rows[0][0]],
            "SELECT `Candidate` FROM data_table ORDER BY `Votes` DESC LIMIT 1",
            'df.loc[df["Votes"].idxmax(), "Candidate"]',
        ),
        lambda: (
            f"how many candidates ran for the {party}?",
            [sum(r[1] == party for r in rows)],
            f"SELECT COUNT(*) FROM data_table WHERE `Party` = '{party}'",
            f'int((df["Party"] == "{party}").sum())',
        ),
        lambda: (
            f"what is the total number of votes for the {party}?",
            [sum(r[2] for r in rows if r[1] == party)],
            f"SELECT SUM(`Votes`) FROM data_table WHERE `Party` = '{party}'",
            f'int(df.loc[df["Party"] == "{party}", "Votes"].sum())',
        ),
        lambda: (
            f"which candidates received fewer than {limit} votes?",
            [r[0] for r in rows if r[2] < limit] or ["none"],
            f"SELECT `Candidate` FROM data_table WHERE `Votes` < {limit}",
            f'df.loc[df["Votes"] < {limit}, "Candidate"].tolist()',
        ),
    ]


def discography(rng: random.Random, names: NameMaker) -> tuple[Table, list[Callable[[], Question]]]:
    labels = [f"{names.word((2, 2))} Records" for _ in range(3)]
    years = sorted(rng.sample(range(1968, 2024), rng.randint(5, 9)))
    rows: list[list[Any]] = [
        [
            y,
            f"{names.word((2, 3))} {rng.choice(['Nights', 'Echoes', 'Harbour', 'Glass', 'Lanterns'])}",
            rng.choice(labels),
            rng.randint(1, 60),
        ]
        for y in years
    ]
    header = ["Year", "Title", "Label", "Peak"]
    year = rng.choice(years[1:-1]) if len(years) > 2 else years[0]
    pick = rng.choice(rows)
    return (header, rows), [
        lambda: (
            "what was the first album released?",
            [rows[0][1]],
            "SELECT `Title` FROM data_table ORDER BY `Year` ASC LIMIT 1",
            'df.loc[df["Year"].idxmin(), "Title"]',
        ),
        lambda: (
            f"how many albums were released after {year}?",
            [sum(r[0] > year for r in rows)],
            f"SELECT COUNT(*) FROM data_table WHERE `Year` > {year}",
            f'int((df["Year"] > {year}).sum())',
        ),
        lambda: (
            "which albums reached the top 10?",
            [r[1] for r in rows if r[3] <= 10] or ["none"],
            "SELECT `Title` FROM data_table WHERE `Peak` <= 10",
            'df.loc[df["Peak"] <= 10, "Title"].tolist()',
        ),
        lambda: (
            f"which label released {pick[1]}?",
            [pick[2]],
            f"SELECT `Label` FROM data_table WHERE `Title` = '{pick[1]}'",
            f'df.loc[df["Title"] == "{pick[1]}", "Label"].iloc[0]',
        ),
    ]


def peaks(rng: random.Random, names: NameMaker) -> tuple[Table, list[Callable[[], Question]]]:
    ranges = [f"{names.word((2, 2))} Range" for _ in range(3)]
    heights = rng.sample(range(1200, 8800), rng.randint(5, 9))
    rows: list[list[Any]] = [
        [f"Mount {names.word((2, 3))}", h, rng.choice(ranges), rng.randint(1780, 2010)]
        for h in heights
    ]
    header = ["Peak", "Height", "Range", "First_ascent"]
    chain = rows[0][2]
    year = rng.randint(1850, 1980)
    return (header, rows), [
        lambda: (
            "what is the highest peak?",
            [max(rows, key=lambda r: r[1])[0]],
            "SELECT `Peak` FROM data_table ORDER BY `Height` DESC LIMIT 1",
            'df.loc[df["Height"].idxmax(), "Peak"]',
        ),
        lambda: (
            f"how many peaks are in the {chain}?",
            [sum(r[2] == chain for r in rows)],
            f"SELECT COUNT(*) FROM data_table WHERE `Range` = '{chain}'",
            f'int((df["Range"] == "{chain}").sum())',
        ),
        lambda: (
            f"which peaks were first climbed before {year}?",
            [r[0] for r in rows if r[3] < year] or ["none"],
            f"SELECT `Peak` FROM data_table WHERE `First_ascent` < {year}",
            f'df.loc[df["First_ascent"] < {year}, "Peak"].tolist()',
        ),
        lambda: (
            "what is the average height of the peaks, rounded to the nearest metre?",
            [round(sum(r[1] for r in rows) / len(rows))],
            "SELECT CAST(ROUND(AVG(`Height`)) AS INTEGER) FROM data_table",
            'int(round(df["Height"].mean()))',
        ),
    ]


KINDS = [standings, election, discography, peaks]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("|", "\\p").replace("\t", " ")


def generate(n: int, seed: int, root: Path, tsv_name: str, table_group: str) -> None:
    """Write `n` questions to root/data/tsv_name and their tables to root/csv/table_group/."""
    rng = random.Random(seed)
    names = NameMaker(rng)
    lines = ["id\tutterance\tcontext\ttargetValue\tsql\tpandas"]
    (root / "csv" / table_group).mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(parents=True, exist_ok=True)
    table_no = 0
    while len(lines) - 1 < n:
        (header, rows), questions = KINDS[table_no % len(KINDS)](rng, names)
        context = f"csv/{table_group}/{table_no}.csv"
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
        (root / context).write_text(buffer.getvalue())
        for make in rng.sample(questions, min(3, len(questions))):
            utterance, targets, sql, pandas = make()
            if len(lines) - 1 >= n:
                break
            if targets == ["none"]:  # an empty answer cannot be written in <solution>
                continue
            target = "|".join(_escape(str(t)) for t in targets)
            lines.append(
                f"nt-{seed}-{len(lines) - 1}\t{utterance}\t{context}\t{target}\t{_escape(sql)}\t{_escape(pandas)}"
            )
        table_no += 1
    (root / "data" / tsv_name).write_text("\n".join(lines) + "\n")
