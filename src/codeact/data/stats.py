"""Statistics of a training set, as in the paper's table: per environment and in total, the
instances, total tokens, average tokens per instance, average turns, and the share of runs that
recovered from an error. Tokens are counted over every message's content (the chat template's
markup is left out: it depends on the trainer) with a real tokenizer: the embedded model's
(SmolLM2, read from its GGUF file by llama.cpp) by default, or any Hugging Face tokenizer (a
`tokenizer.json` file, a folder holding one, or a name `transformers` can load)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from codeact.bench.episode import errors_recovered
from codeact.errors import ConfigError, MissingDependency
from codeact.types import Trajectory

Tokenizer = Callable[[str], int]  # text -> number of tokens
EMBEDDED = "embedded"
COLUMNS = ("env", "instances", "total_tokens", "avg_tokens", "avg_turns", "recovered_pct")


@dataclass
class EnvStats:
    env: str
    instances: int
    total_tokens: int
    avg_tokens: float
    avg_turns: float
    recovered_pct: float


def get_tokenizer(name: str = EMBEDDED) -> Tokenizer:
    if name == EMBEDDED:
        return _embedded()
    path = Path(name)
    if path.is_dir() and (path / "tokenizer.json").exists():
        path = path / "tokenizer.json"
    if path.is_file():
        try:
            from tokenizers import Tokenizer as HFTokenizer
        except ImportError as exc:
            raise MissingDependency(
                "tokenizers", "data", "counting tokens with a tokenizer file"
            ) from exc
        try:
            tok = HFTokenizer.from_file(str(path))
        except Exception as exc:  # the library raises its own exception types
            raise ConfigError(f"{path}: not a tokenizer file ({exc})") from exc
        return lambda text: len(tok.encode(text, add_special_tokens=False).ids)
    try:
        from transformers import AutoTokenizer
    except ImportError as exc:
        raise MissingDependency("transformers", "train", f"the tokenizer {name!r}") from exc
    try:
        auto = AutoTokenizer.from_pretrained(name)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot load the tokenizer {name!r}: {exc}") from exc
    return lambda text: len(auto(text, add_special_tokens=False)["input_ids"])


def _embedded() -> Tokenizer:
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise MissingDependency(
            "llama-cpp-python", "local", "the embedded model's tokenizer"
        ) from exc
    from codeact.llms.local import embedded_model_path

    vocab = Llama(str(embedded_model_path()), vocab_only=True, verbose=False)
    return lambda text: (
        len(vocab.tokenize(text.encode(), add_bos=False, special=False)) if text else 0
    )


def compute(trajectories: Sequence[Trajectory], tokenizer: Tokenizer) -> list[EnvStats]:
    """One row per environment (sorted), then the total."""
    groups: dict[str, list[tuple[int, int, bool]]] = {}
    for t in trajectories:
        tokens = sum(tokenizer(m.content) for m in t.messages)
        env = str(t.meta.get("domain") or "unknown")
        groups.setdefault(env, []).append((tokens, t.turns, errors_recovered(t) > 0))
    rows = [_row(env, items) for env, items in sorted(groups.items())]
    every = [item for items in groups.values() for item in items]
    return [*rows, _row("total", every)] if every else []


def _row(env: str, items: list[tuple[int, int, bool]]) -> EnvStats:
    n = len(items)
    total = sum(i[0] for i in items)
    return EnvStats(env, n, total, total / n, sum(i[1] for i in items) / n,
                    100 * sum(i[2] for i in items) / n)  # fmt: skip


def markdown(rows: Sequence[EnvStats]) -> str:
    head = "| environment | instances | total tokens | avg tokens / instance | avg turns | recovered errors (%) |"
    lines = [head, "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        name = f"**{r.env}**" if r.env == "total" else r.env
        lines.append(f"| {name} | {r.instances} | {r.total_tokens:,} | {r.avg_tokens:,.1f} | "
                     f"{r.avg_turns:.2f} | {r.recovered_pct:.1f} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def to_csv(rows: Sequence[EnvStats]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(asdict(r) for r in rows)
    return buffer.getvalue()


def chart(rows: Sequence[EnvStats], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependency("matplotlib", "plots", "the stats chart") from exc
    envs = [r for r in rows if r.env != "total"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    names = [r.env for r in envs]
    left.bar(names, [r.instances for r in envs], color="#4c72b0")
    left.set_title("instances")
    right.bar(names, [r.avg_tokens for r in envs], color="#dd8452")
    right.set_title("average tokens per instance")
    for axis in (left, right):
        axis.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write(rows: Sequence[EnvStats], out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"md": out / "stats.md", "csv": out / "stats.csv", "png": out / "stats.png"}
    paths["md"].write_text(markdown(rows))
    paths["csv"].write_text(to_csv(rows))
    chart(rows, paths["png"])
    return paths
