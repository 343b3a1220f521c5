"""Filtering generated trajectories into training data, rule by rule, counting what each removed.

The rules, in order (each sees only what the earlier ones kept):

| rule | removes |
|---|---|
| `failed` | runs that did not solve their task |
| `short` | runs solved in two turns or fewer (nothing to learn about interaction) |
| `all_invalid` | runs whose every action before the answer was a malformed reply |
| `no_progress` | runs in which every turn was a solution or a failing execution |
| `exact_duplicate` | runs whose conversation equals an earlier one's |
| `near_duplicate` | MinHash near duplicates of an earlier kept run (`dedup.py`) |
| `contaminated` | runs holding a benchmark or evaluation prompt (`decontaminate.py`) |

Runs that hit an error and then recovered are what the paper preferred: they are ordered first,
so that of two duplicates the one that recovered is kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codeact.data import dedup
from codeact.data.decontaminate import MIN_OVERLAP, N, all_prompts, build_index
from codeact.types import Finish, Trajectory

RULES = ("failed", "short", "all_invalid", "no_progress", "exact_duplicate", "near_duplicate",
         "contaminated")  # fmt: skip


@dataclass
class FilterConfig:
    min_turns: int = 3
    near_duplicate_threshold: float = dedup.THRESHOLD
    ngram: int = N
    min_overlap: float = MIN_OVERLAP
    eval_files: list[Path] = field(default_factory=list)
    benchmarks: bool = True  # decontaminate against the built-in benchmarks and test splits


@dataclass
class FilterReport:
    total: int
    kept: int
    removed: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return {"total": self.total, "kept": self.kept, "removed": self.removed}


def failed(t: Trajectory) -> bool:
    return t.meta.get("success") is not True


def short(t: Trajectory, min_turns: int) -> bool:
    return t.turns < min_turns


def all_invalid(t: Trajectory) -> bool:
    """Every action before the final answer was a malformed reply."""
    actions = [s for s in t.steps if not isinstance(s.action, Finish)]
    return bool(actions) and all(s.format_error is not None for s in actions)


def no_progress(t: Trajectory) -> bool:
    """No turn ran code (or called a tool) successfully."""
    return not any(s.observation is not None and s.observation.ok for s in t.steps)


def filter_trajectories(
    trajectories: Sequence[Trajectory], config: FilterConfig | None = None
) -> tuple[list[Trajectory], FilterReport]:
    config = config or FilterConfig()
    removed = dict.fromkeys(RULES, 0)
    # the runs that recovered from an error come first, so deduplication keeps them
    kept = sorted(trajectories, key=lambda t: -int(t.meta.get("errors_recovered") or 0))

    def apply(rule: str, drop: Callable[[Trajectory], bool]) -> None:
        nonlocal kept
        survivors = [t for t in kept if not drop(t)]
        removed[rule] += len(kept) - len(survivors)
        kept = survivors

    def by_index(rule: str, dropped: set[int]) -> None:
        nonlocal kept
        removed[rule] += len(dropped)
        kept = [t for i, t in enumerate(kept) if i not in dropped]

    apply("failed", failed)
    apply("short", lambda t: short(t, config.min_turns))
    apply("all_invalid", all_invalid)
    apply("no_progress", no_progress)
    by_index("exact_duplicate", dedup.exact_duplicates(kept))
    by_index("near_duplicate", dedup.near_duplicates(kept, config.near_duplicate_threshold))
    prompts = all_prompts(config.eval_files, config.benchmarks)
    if prompts:
        index = build_index(prompts, config.ngram)
        apply("contaminated", lambda t: index.contaminated(t, config.min_overlap))
    return kept, FilterReport(len(trajectories), len(kept), removed)
