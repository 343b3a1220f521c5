"""`codeact bench run|report`: the grid with a progress bar, and the paper-style table."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table as RichTable
from rich.text import Text

from codeact.bench.report import best, formats_in, summarize, unsolvable_note, write_report
from codeact.bench.runner import GridConfig, check_grid, pending, read_rows, run_grid
from codeact.cli.common import console, friendly_errors, show_error
from codeact.cli.terminal import printable


def run_bench(
    *, suite: str, models: list[str], formats: list[str], protocol: str, max_turns: int,
    seeds: int, kernel: str, workers: int, engine: str, tasks: list[str], limit: int | None,
    per_domain: int | None, out: Path,
    llm_options: dict[str, Any], kernel_options: dict[str, Any], report: bool,
    mcp: list[str] | None = None,
) -> int:  # fmt: skip
    config = GridConfig(
        suite, models, formats, list(range(seeds)), protocol, max_turns, kernel, out,
        workers, engine, limit, per_domain, llm_options, tasks, kernel_options, mcp=mcp or [],
    )  # fmt: skip
    started = time.perf_counter()
    with friendly_errors():
        notices = check_grid(config)  # a bad model, format or task fails here, before any episode
        todo = pending(config)
        for notice in notices:
            console.print(Text(printable(notice), style="yellow"))
        console.print(f"[bold]{escape(suite)}[/]: {todo} episodes to run ({out / 'results.jsonl'})")
        with _progress() as bar:
            task = bar.add_task("episodes", total=todo, ok=0)
            wins, errors = 0, []

            def advance(row: dict[str, Any]) -> None:
                nonlocal wins
                wins += bool(row.get("success"))
                if row.get("error"):
                    errors.append(
                        f"{row['task']} ({row['model']}, {row['format']}): {row['error']}"
                    )
                bar.update(task, advance=1, ok=wins)

            results = run_grid(config, advance)
    console.print(f"[dim]finished in {time.perf_counter() - started:.1f} s[/]")
    code = show_report(results, None) if report else 0
    if errors:  # infrastructure failures, not wrong answers: say so and fail the command
        console.print(f"[red]{len(errors)} episodes failed to run[/] (rerun to retry them):")
        for line in errors[:10]:
            console.print(Text(f"  {printable(line)}"))
        return 1
    return code


def show_report(results: Path, out: Path | None) -> int:
    if results.is_dir():
        results = results / "results.jsonl"
    with friendly_errors():
        if not results.exists():
            show_error(FileNotFoundError(f"no results at {results}"))
            return 2
        table = summarize(read_rows(results))
        paths = write_report(results, out)
    console.print(_rich_table(table))
    note = unsolvable_note(table)
    if note:
        console.print(Text(printable(note), style="yellow"))
    console.print(f"[dim]wrote {', '.join(str(p) for p in paths.values())}[/]")
    return 0


def _rich_table(table: dict[str, Any]) -> RichTable:
    fmts = formats_in(table)
    out = RichTable(title="success rate (%) ↑ and average turns ↓ per action format")
    out.add_column("model")
    for f in fmts:
        out.add_column(f"success {f}", justify="right")
    for f in fmts:
        out.add_column(f"turns {f}", justify="right")
    out.add_column("n", justify="right")
    for model, cells in table.items():
        top_s, top_t = best(cells, "success_pct"), best(cells, "avg_turns")
        row = [model]
        row += [_cell(cells, f, "success_pct", top_s, "{:.1f}") for f in fmts]
        row += [_cell(cells, f, "avg_turns", top_t, "{:.2f}") for f in fmts]
        row.append(str(max(c.n for c in cells.values())))
        out.add_row(*row)
    return out


def _cell(cells: dict[str, Any], fmt: str, metric: str, top: set[str], spec: str) -> str:
    if fmt not in cells:
        return ""
    text = spec.format(getattr(cells[fmt], metric))
    return f"[bold green]{text}[/]" if fmt in top else text


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("solved {task.fields[ok]}"),
        TimeElapsedColumn(),
        console=console,
    )
