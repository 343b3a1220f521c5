"""Paper-style tables from a results file: success rate and average turns per model and format.

Average turns are taken over all tasks, failures counting the turns they used, as in the paper.
Tasks marked unsolvable are reported apart: they count in neither the success rate nor the turns,
and the table says how many there were and how many were solved anyway.
`write_report` writes report.md, report.csv and report.png (matplotlib) next to the results.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codeact.actions import FORMATS
from codeact.bench.runner import read_rows


@dataclass
class Cell:
    n: int  # episodes counted (tasks marked unsolvable are not)
    success_pct: float
    avg_turns: float
    errors: int
    unsolvable: int = 0  # episodes of tasks marked unsolvable, reported apart
    unsolvable_solved: int = 0


Table = dict[str, dict[str, Cell]]  # model -> format -> cell


def summarize(rows: list[dict[str, Any]]) -> Table:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[(row["model"], row["format"])].append(row)
    table: Table = defaultdict(dict)
    for (model, fmt), rows_ in sorted(groups.items()):
        group = [r for r in rows_ if not r.get("unsolvable")]
        apart = [r for r in rows_ if r.get("unsolvable")]
        n = len(group)
        wins = sum(bool(r.get("success")) for r in group)
        turns = [r.get("turns", r.get("max_turns", 0)) or 0 for r in group]
        errors = sum(bool(r.get("error")) for r in group)
        solved_apart = sum(bool(r.get("success")) for r in apart)
        table[model][fmt] = Cell(
            n, 100.0 * wins / n if n else 0.0, sum(turns) / n if n else 0.0, errors,
            len(apart), solved_apart,
        )  # fmt: skip
    return dict(table)


def formats_in(table: Table) -> list[str]:
    present = {f for cells in table.values() for f in cells}
    return [f for f in FORMATS if f in present] + sorted(present - set(FORMATS))


def best(cells: dict[str, Cell], metric: str) -> set[str]:
    values = {f: getattr(c, metric) for f, c in cells.items()}
    if not values:
        return set()
    target = max(values.values()) if metric == "success_pct" else min(values.values())
    return {f for f, v in values.items() if v == target}


def markdown(table: Table, title: str) -> str:
    fmts = formats_in(table)
    head = ["model", *[f"success % {f}" for f in fmts], *[f"avg turns {f}" for f in fmts], "n"]
    lines = [f"## {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for model, cells in table.items():
        top_s, top_t = best(cells, "success_pct"), best(cells, "avg_turns")
        row = [model]
        row += [
            _mark(f"{cells[f].success_pct:.1f}", f in top_s) if f in cells else "" for f in fmts
        ]
        row += [_mark(f"{cells[f].avg_turns:.2f}", f in top_t) if f in cells else "" for f in fmts]
        row.append(str(max(c.n for c in cells.values())))
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", "Best per model in bold (highest success, fewest turns)."]
    note = unsolvable_note(table)
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def unsolvable_note(table: Table) -> str | None:
    """What the table leaves out: the episodes of tasks marked unsolvable."""
    apart = [
        f"{model} ({fmt}): {c.unsolvable} episodes, {c.unsolvable_solved} solved anyway"
        for model, cells in table.items() for fmt, c in cells.items() if c.unsolvable
    ]  # fmt: skip
    return (
        "Not counted above, tasks marked unsolvable: " + "; ".join(apart) + "." if apart else None
    )


def _mark(text: str, is_best: bool) -> str:
    return f"**{text}**" if is_best else text


def write_csv(table: Table, path: Path) -> None:
    with path.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["model", "format", "n", "success_pct", "avg_turns", "errors", "unsolvable"])
        for model, cells in table.items():
            for fmt, c in cells.items():
                out.writerow([
                    model, fmt, c.n, f"{c.success_pct:.2f}", f"{c.avg_turns:.3f}", c.errors,
                    c.unsolvable,
                ])  # fmt: skip


def plot(table: Table, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fmts, models = formats_in(table), list(table)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    width = 0.8 / max(1, len(fmts))
    for i, fmt in enumerate(fmts):
        xs = [m + i * width for m in range(len(models))]
        for ax, metric in zip(axes, ("success_pct", "avg_turns"), strict=True):
            ys = [getattr(table[m][fmt], metric) if fmt in table[m] else 0 for m in models]
            bars = ax.bar(xs, ys, width, label=fmt)
            ax.bar_label(bars, fmt="%.1f", fontsize=8)
    for ax, label in zip(axes, ("success rate (%) ↑", "average turns ↓"), strict=True):
        ax.set_xticks([m + width * (len(fmts) - 1) / 2 for m in range(len(models))], models)
        ax.set_ylabel(label)
        ax.margins(y=0.12)
    axes[0].set_ylim(0, 110)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, title="action format", loc="lower center", ncol=len(fmts))
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.12, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(results: Path, out: Path | None = None, title: str = "") -> dict[str, Path]:
    rows = read_rows(results)
    if not rows:
        raise ValueError(f"no rows in {results}")
    out = out or results.parent
    out.mkdir(parents=True, exist_ok=True)
    suites = sorted({r["suite"] for r in rows})
    title = title or f"{', '.join(suites)}: success and turns by action format"
    table = summarize(rows)
    paths = {"md": out / "report.md", "csv": out / "report.csv", "png": out / "report.png"}
    paths["md"].write_text(markdown(table, title))
    write_csv(table, paths["csv"])
    plot(table, paths["png"], title)
    return paths
