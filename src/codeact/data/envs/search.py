"""Search QA: multi-hop questions in the HotpotQA format, answered with `wikipedia_search`.

The format (Yang et al., 2018, distractor setting): a JSON list of questions, each with `_id`,
`question`, `answer`, `type` (bridge or comparison), `level`, `supporting_facts` ([title, sentence]
pairs) and `context` ([title, [sentences]] paragraphs: the gold ones among distractors). The pages
of every context in the file make the searchable corpus: a SQLite FTS5 index ranked by BM25, which
the host-side tool `wikipedia_search(query)` reads. Answers are checked by exact match after
HotpotQA's normalization (its F1 is computed as well).

The shipped sample is an invented encyclopedia (`codeact.data.synth.search`), so no answer can
be remembered from pre-training. The expert looks up the supporting pages in order and answers.
"""

from __future__ import annotations

import functools
import random
import re
import sqlite3
import string
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from codeact.contracts import Tool
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
from codeact.data.envs.slips import misspell
from codeact.data.io import DataFileError, field, read_json
from codeact.tools.function import FunctionTool

PROMPT = (
    "Answer the following question. Use `wikipedia_search` to look things up; the answer is a "
    "short phrase (or yes/no). Give it in <solution></solution>.\n\nQuestion: {question}"
)
SIMILAR = 5
MAX_QUERY, MAX_WORDS = 1000, 32


@dataclass
class HotpotQuestion(Record):
    question: str
    answer: str
    type: str
    level: str
    supporting_titles: list[str]
    corpus: Corpus


class Corpus:
    """The pages of a HotpotQA file in an SQLite FTS5 index; shared, read-only, thread-safe."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self._titles = {title.lower(): title for title in pages}
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE pages USING fts5(title, body)")
        self._db.executemany("INSERT INTO pages VALUES (?, ?)", pages.items())

    def search(self, query: str) -> str:
        """The page titled `query`, else the best BM25 match; then similar titles."""
        words = re.findall(r"\w+", query[:MAX_QUERY])[:MAX_WORDS]  # the sandbox sent it
        if not words:
            return "Please give a search query with words in it."
        match = " OR ".join(f'"{w}"' for w in words)
        with self._lock:
            rows = self._db.execute(
                "SELECT title FROM pages WHERE pages MATCH ? ORDER BY bm25(pages, 5.0, 1.0) LIMIT ?",
                (match, SIMILAR + 1),
            ).fetchall()
        found = [r[0] for r in rows]
        exact = self._titles.get(" ".join(query.split()).lower())
        if exact is None and not found:
            return f"Could not find {query!r}. Try another query."
        best = exact or found[0]
        similar = [t for t in found if t != best][:SIMILAR]
        text = f"{best}\n{self.pages[best]}"
        return text + (f"\nSimilar: {similar}" if similar else "")

    def tool(self) -> Tool:
        def wikipedia_search(query: str) -> str:
            """Search the encyclopedia: returns the page whose title matches the query (else the
            best-matching page), its text, and the titles of similar pages."""
            return self.search(str(query))

        return FunctionTool(wikipedia_search)


# --- HotpotQA's answer checking ------------------------------------------------------------------


def normalize_answer(text: str) -> str:
    """HotpotQA's normalization: lower case, no punctuation, no articles, single spaces."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(predicted: str, gold: str) -> bool:
    return normalize_answer(predicted) == normalize_answer(gold)


def f1_score(predicted: str, gold: str) -> float:
    """HotpotQA's token F1 (yes/no/noanswer must match exactly)."""
    pred, truth = normalize_answer(predicted), normalize_answer(gold)
    special = ("yes", "no", "noanswer")
    if (pred in special or truth in special) and pred != truth:
        return 0.0
    common = Counter(pred.split()) & Counter(truth.split())
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(pred.split()), same / len(truth.split())
    return 2 * precision * recall / (precision + recall)


# --- the environment -----------------------------------------------------------------------------


class SearchEnv(Environment[HotpotQuestion]):
    name = "search"
    description = "HotpotQA-format multi-hop questions over a local search index"

    def load(self, split: str, path: Path | None = None) -> list[HotpotQuestion]:
        return _load(path or samples_dir("search") / f"hotpot_{split}.json")

    def prompt(self, record: HotpotQuestion) -> str:
        return PROMPT.format(question=record.question)

    def tools(self, record: HotpotQuestion) -> list[Tool]:
        return [record.corpus.tool()]

    def check(self, record: HotpotQuestion, submission: Submission) -> bool:
        return exact_match(submission.answer, record.answer)

    def expert(self, record: HotpotQuestion, mistake: bool, rng: random.Random) -> Policy:
        for i, title in enumerate(record.supporting_titles):
            code = f"print(wikipedia_search({title!r}))"
            if mistake and i == 0:
                slip = rng.choice(
                    [misspell(code, rng), f"print(wikipedia_search(title={title!r}))"]
                )
                observation = yield execute(slip)
                require(failed(observation), "the slip to raise")
            observation = yield execute(code)
            require(not failed(observation) and title in observation, f"the page {title!r}")
        yield solution(record.answer)


@functools.cache
def _load(path: Path) -> list[HotpotQuestion]:
    data = read_json(path)
    if not isinstance(data, list):
        raise DataFileError(f"{path}: expected a JSON list of HotpotQA questions")
    pages: dict[str, str] = {}
    rows = []
    for i, row in enumerate(data):
        where = f"{path}[{i}]"
        if not isinstance(row, dict):
            raise DataFileError(f"{where}: expected a JSON object")
        for paragraph in field(row, "context", list, where):
            if not (isinstance(paragraph, list) and len(paragraph) == 2):
                raise DataFileError(f"{where}: a context entry should be [title, [sentences]]")
            title, sentences = paragraph
            pages.setdefault(str(title), " ".join(str(s).strip() for s in sentences))
        facts = field(row, "supporting_facts", list, where)
        titles = list(dict.fromkeys(str(f[0]) for f in facts if isinstance(f, list) and f))
        rows.append((row, where, titles))
    corpus = Corpus(pages)
    return [
        HotpotQuestion(
            id=str(row.get("_id", i)),
            question=field(row, "question", str, where),
            answer=str(field(row, "answer", (str, int, float), where)),
            type=str(row.get("type", "")),
            level=str(row.get("level", "")),
            supporting_titles=titles,
            corpus=corpus,
        )
        for i, (row, where, titles) in enumerate(rows)
    ]
