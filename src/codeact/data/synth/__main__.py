"""Regenerates every shipped sample: python -m codeact.data.synth [OUT_DIR]."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from codeact.data.synth import code, household, math, search, table

SIZES = {"train": (1, 200), "test": (1001, 50)}  # split -> (seed, tasks)
CODE_SIZES = {"train": (1, 200), "test": (1001, 30)}


def _jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def main(out: Path) -> None:
    train_math: frozenset[str] = frozenset()
    for split, (seed, n) in SIZES.items():
        problems = math.generate(n, seed, exclude=train_math)
        train_math = frozenset(p["problem"] for p in problems)
        _jsonl(out / "math" / f"{split}.jsonl", problems)
        _jsonl(out / "household" / f"{split}.jsonl", household.generate(n, seed))
        (out / "search").mkdir(parents=True, exist_ok=True)
        (out / "search" / f"hotpot_{split}.json").write_text(
            json.dumps(search.generate(n, seed), indent=1)
        )
        tsv = {"train": "training.tsv", "test": "pristine-unseen-tables.tsv"}[split]
        table.generate(n, seed, out / "table", tsv, f"{seed + 200}-csv")
        code_seed, code_n = CODE_SIZES[split]
        _jsonl(out / "code" / f"{split}.jsonl", code.generate(code_n, code_seed))


if __name__ == "__main__":
    main(
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "samples"
    )
