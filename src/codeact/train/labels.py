"""Token ids and labels from conversations, in the ChatML format, with the loss on assistant
turns only.

Each message is rendered `<|im_start|>ROLE\\nCONTENT<|im_end|>\\n` (`chatml.jinja`, the template
the exported GGUF carries, so llama.cpp renders prompts exactly as training saw them). The whole
conversation is tokenized at once, as at inference, and a token is supervised when its characters
lie inside an assistant turn's content or its closing `<|im_end|>` (the model learns to stop);
everything else (system, user and observation turns, the role headers) gets the label -100.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

from codeact.data.conversations import check_messages
from codeact.data.io import DataFileError, iter_jsonl
from codeact.errors import ConfigError

IM_START, IM_END = "<|im_start|>", "<|im_end|>"
IGNORE = -100  # the label transformers' loss skips
CHAT_TEMPLATE = (files("codeact.train") / "chatml.jinja").read_text(encoding="utf-8").strip()


class Tokenizer(Protocol):
    def __call__(self, text: str, **kwargs: Any) -> Any: ...


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]

    @property
    def supervised(self) -> int:
        return sum(label != IGNORE for label in self.labels)


@dataclass
class Prepared:
    """The training examples and what happened to the rest."""

    examples: list[Example] = field(default_factory=list)
    conversations: int = 0
    truncated: int = 0  # longer than max_length, cut to it
    dropped_overlong: int = 0  # longer than max_length and dropped (or nothing left after the cut)
    no_assistant: int = 0  # rows without an assistant turn (nothing to learn)

    @property
    def tokens(self) -> int:
        return sum(len(e.input_ids) for e in self.examples)

    @property
    def supervised_tokens(self) -> int:
        return sum(e.supervised for e in self.examples)

    def summary(self) -> dict[str, int]:
        return {"conversations": self.conversations, "examples": len(self.examples),
                "truncated": self.truncated, "dropped_overlong": self.dropped_overlong,
                "no_assistant_turn": self.no_assistant, "tokens": self.tokens,
                "supervised_tokens": self.supervised_tokens}  # fmt: skip


def render(messages: Sequence[dict[str, str]]) -> tuple[str, list[tuple[int, int]]]:
    """The ChatML text and the character spans to supervise (assistant content + `<|im_end|>`)."""
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    at = 0
    for m in messages:
        head = f"{IM_START}{m['role']}\n"
        body = m["content"] + IM_END
        if m["role"] == "assistant":
            spans.append((at + len(head), at + len(head) + len(body)))
        parts += [head, body, "\n"]
        at += len(head) + len(body) + 1
    return "".join(parts), spans


def encode(messages: Sequence[dict[str, str]], tokenizer: Tokenizer) -> Example:
    text, spans = render(messages)
    enc = tokenizer(text, return_offsets_mapping=True)
    ids: list[int] = list(enc["input_ids"])
    labels = [IGNORE] * len(ids)
    span = 0
    for i, (start, end) in enumerate(enc["offset_mapping"]):
        while span < len(spans) and spans[span][1] <= start:
            span += 1
        if span < len(spans) and start >= spans[span][0] and end <= spans[span][1] and end > start:
            labels[i] = ids[i]
    return Example(ids, labels)


def prepare(
    rows: Iterable[dict[str, Any]], tokenizer: Tokenizer, max_length: int, overlong: str
) -> Prepared:
    """Encode every row; count (and truncate or drop) the ones longer than `max_length`."""
    out = Prepared()
    for row in rows:
        out.conversations += 1
        messages = row["messages"]
        if not any(m["role"] == "assistant" for m in messages):
            out.no_assistant += 1
            continue
        example = encode(messages, tokenizer)
        if len(example.input_ids) > max_length:
            if overlong == "drop":
                out.dropped_overlong += 1
                continue
            example = Example(example.input_ids[:max_length], example.labels[:max_length])
            if not example.supervised:
                out.dropped_overlong += 1
                continue
            out.truncated += 1
        out.examples.append(example)
    return out


def read_rows(data: Path) -> list[dict[str, Any]]:
    """The rows of an export folder (its messages.jsonl) or of a messages JSONL file."""
    path = data / "messages.jsonl" if data.is_dir() else data
    if not path.is_file():
        hint = " (write one with `codeact data export`)" if data.is_dir() else ""
        raise ConfigError(f"no training data at {path}{hint}")
    rows = []
    for number, row in iter_jsonl(path):
        check_messages(row, f"{path}:{number}")
        rows.append(row)
    if not rows:
        raise DataFileError(f"{path}: no conversations")
    return rows


def check_prepared(prepared: Prepared, data: Path, max_length: int) -> None:
    """Refuse data that leaves nothing to learn, saying why."""
    if prepared.examples:
        return
    if prepared.no_assistant == prepared.conversations:
        raise ConfigError(
            f"{data}: no assistant turns to learn from in {prepared.conversations} conversations"
        )
    raise ConfigError(
        f"{data}: every conversation with an assistant turn is longer than max_length={max_length} "
        f"({prepared.dropped_overlong} dropped); raise --max-length or use --overlong truncate"
    )
