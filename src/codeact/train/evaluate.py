"""Held-out loss: the mean cross-entropy over the supervised (assistant) tokens of conversations,
the miniature's measure of "no loss of general ability"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from codeact.train.labels import IGNORE, encode


def conversation_loss(
    model: Any, tokenizer: Any, rows: Sequence[dict[str, Any]], max_length: int = 4096
) -> float:
    """Token-weighted mean loss (nats per supervised token) of `rows` under `model`."""
    import torch

    total, count = 0.0, 0
    model.eval()
    with torch.no_grad():
        for row in rows:
            example = encode(row["messages"], tokenizer)
            ids = torch.tensor([example.input_ids[:max_length]])
            labels = torch.tensor([example.labels[:max_length]])
            supervised = int((labels[:, 1:] != IGNORE).sum())
            if not supervised:
                continue
            loss = model(input_ids=ids, labels=labels).loss  # mean over the shifted labels
            total += float(loss) * supervised
            count += supervised
    if not count:
        raise ValueError("no supervised tokens in the held-out conversations")
    return total / count
