"""Decontamination: drop training trajectories that contain an evaluation prompt.

Evaluation prompts are every benchmark suite's (`codeact.bench`: multiturn and atomic) and those
of any file the user names (JSONL with `prompt`, `question`, `problem`, `utterance`, `input` or
`messages`, or plain text with one prompt per line), such as a data set's test split. Texts are compared as
lower-case word 13-grams (n = 13, as GPT-3's decontamination; a prompt shorter than 13 words is
one n-gram of its own length). An n-gram that occurs in more than 5 evaluation prompts is
template text (an environment's fixed instructions), not evidence, and is ignored. A trajectory is
contaminated by a prompt when it holds at least half of that prompt's remaining n-grams.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from codeact.data.io import DataFileError, iter_jsonl
from codeact.data.text import conversation_text, ngrams, words
from codeact.types import Trajectory

N = 13
MAX_PROMPTS_PER_NGRAM = 5
MIN_OVERLAP = 0.5
PROMPT_KEYS = ("prompt", "question", "problem", "utterance", "input")


@dataclass
class EvalIndex:
    by_ngram: dict[str, list[int]]  # distinctive n-gram -> the prompts holding it
    sizes: list[int]  # distinctive n-grams per prompt
    lengths: set[int]  # the n-gram lengths in use

    def contaminated(self, trajectory: Trajectory, min_overlap: float = MIN_OVERLAP) -> bool:
        tokens = words(conversation_text(trajectory))
        hits: Counter[int] = Counter()
        for length in self.lengths:
            for gram in ngrams(tokens, length) if len(tokens) >= length else ():
                for prompt in self.by_ngram.get(gram, ()):
                    hits[prompt] += 1
        return any(count >= min_overlap * self.sizes[p] for p, count in hits.items())


def build_index(prompts: Sequence[str], n: int = N) -> EvalIndex:
    grams = [ngrams(words(p), n) for p in prompts]
    frequency: Counter[str] = Counter(g for gs in grams for g in gs)
    by_ngram: dict[str, list[int]] = defaultdict(list)
    sizes = []
    for i, gs in enumerate(grams):
        distinctive = [g for g in gs if frequency[g] <= MAX_PROMPTS_PER_NGRAM]
        sizes.append(len(distinctive))
        for g in distinctive:
            by_ngram[g].append(i)
    lengths = {len(g.split()) for g in by_ngram}
    return EvalIndex(dict(by_ngram), sizes, lengths)


def benchmark_prompts() -> list[str]:
    """Every built-in benchmark suite's prompts."""
    from codeact.bench.registry import BUILTIN, load_suite

    return [t.prompt for name in BUILTIN for t in load_suite(name).tasks]


def eval_file_prompts(path: Path) -> list[str]:
    if path.suffix != ".jsonl":
        try:
            return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        except OSError as exc:
            raise DataFileError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    return [_prompt_of(row, f"{path}:{n}") for n, row in iter_jsonl(path)]


def _prompt_of(row: dict[str, object], where: str) -> str:
    for key in PROMPT_KEYS:
        if isinstance(row.get(key), str):
            return str(row[key])
    messages = row.get("messages")
    if isinstance(messages, list):
        users = [
            m.get("content") for m in messages if isinstance(m, dict) and m.get("role") == "user"
        ]
        if users and isinstance(users[0], str):
            return users[0]
    raise DataFileError(f"{where}: no prompt field (one of {', '.join(PROMPT_KEYS)} or messages)")


def all_prompts(eval_files: Iterable[Path], benchmarks: bool = True) -> list[str]:
    prompts = benchmark_prompts() if benchmarks else []
    for path in eval_files:
        prompts += eval_file_prompts(path)
    return prompts
