"""A benchmark plugin: a small library catalog, with its tasks in a data file (library.toml).

The suite is its tools and its rules; the tasks (prompts, answers, and reference solutions stored
once, as tool calls and as code) are data, read by the same loader as the built-in suites. One
task is marked unsolvable: it runs, and the report counts it apart. Registered as the
`codeact.benchmarks` entry point `library`:

    codeact bench run --suite library --llm oracle
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codeact.bench.datafiles import load_suite_file
from codeact.contracts import Tool
from codeact.tools import tool

BOOKS = {
    "978-0-01": {"title": "The Quiet Harbor", "author": "Ines Duarte", "pages": 312, "year": 2011},
    "978-0-02": {"title": "Salt and Iron", "author": "Ines Duarte", "pages": 268, "year": 2015},
    "978-0-03": {"title": "Night Trains", "author": "Tomas Vik", "pages": 198, "year": 2019},
    "978-0-04": {"title": "The Glass Orchard", "author": "Ines Duarte", "pages": 401, "year": 2021},
}  # fmt: skip


def make_tools() -> list[Tool]:
    on_loan: set[str] = {"978-0-02"}

    @tool
    def search_books(author: str) -> list[str]:
        """The ISBNs of the books by an author (full name), oldest first."""
        found = [(b["year"], isbn) for isbn, b in BOOKS.items() if b["author"] == author.strip()]
        return [isbn for _, isbn in sorted(found)]

    @tool
    def get_book(isbn: str) -> dict[str, Any]:
        """A book's title, author, page count, year, and whether it is on loan."""
        if isbn not in BOOKS:
            raise ValueError(f"no book with ISBN {isbn!r}")
        return {**BOOKS[isbn], "on_loan": isbn in on_loan}

    return [search_books, get_book]


SUITE = load_suite_file(Path(__file__).parent / "data" / "library.toml", make_tools)
