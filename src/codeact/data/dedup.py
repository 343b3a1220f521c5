"""Exact and near-duplicate removal. Near duplicates are found with MinHash LSH (datasketch) over
word 5-gram shingles of the conversation (the system prompt left out): two trajectories whose
estimated Jaccard similarity reaches the threshold (0.85 by default) are duplicates, and the one
seen first is kept (the filter orders runs that recovered from an error first)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from codeact.data.text import conversation_text, ngrams, words
from codeact.errors import MissingDependency
from codeact.types import Trajectory

SHINGLE = 5
THRESHOLD = 0.85
PERMUTATIONS = 128


def exact_duplicates(trajectories: Sequence[Trajectory]) -> set[int]:
    """Indexes of trajectories whose words equal an earlier one's."""
    seen: set[str] = set()
    dropped = set()
    for i, trajectory in enumerate(trajectories):
        digest = hashlib.sha256(" ".join(words(conversation_text(trajectory))).encode()).hexdigest()
        if digest in seen:
            dropped.add(i)
        seen.add(digest)
    return dropped


def near_duplicates(
    trajectories: Sequence[Trajectory], threshold: float = THRESHOLD, shingle: int = SHINGLE
) -> set[int]:
    """Indexes of trajectories that are near duplicates of an earlier kept one."""
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError as exc:
        raise MissingDependency("datasketch", "data", "near-duplicate removal") from exc
    lsh = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
    dropped = set()
    for i, trajectory in enumerate(trajectories):
        signature = MinHash(num_perm=PERMUTATIONS, seed=1)
        shingles = ngrams(words(conversation_text(trajectory)), shingle)
        signature.update_batch([s.encode() for s in shingles])
        if lsh.query(signature):
            dropped.add(i)
            continue
        lsh.insert(str(i), signature)
    return dropped
