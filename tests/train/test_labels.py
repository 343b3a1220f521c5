"""Labels: exactly the assistant turns are supervised; long and empty conversations are counted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from train_rows import conversation, write_data

from codeact.errors import ConfigError
from codeact.train.labels import IGNORE, check_prepared, encode, prepare, read_rows, render


def supervised_text(example: Any, tokenizer: Any) -> str:
    ids = [t for t, label in zip(example.input_ids, example.labels, strict=True) if label != IGNORE]
    return str(tokenizer.decode(ids))


def test_the_supervised_tokens_are_exactly_the_assistant_turns(tokenizer: Any) -> None:
    row = conversation()
    example = encode(row["messages"], tokenizer)
    wanted = "".join(
        m["content"] + "<|im_end|>" for m in row["messages"] if m["role"] == "assistant"
    )
    assert supervised_text(example, tokenizer) == wanted
    # and every other token (system, user, observation, the role headers) is masked
    masked = [
        t for t, label in zip(example.input_ids, example.labels, strict=True) if label == IGNORE
    ]
    text = tokenizer.decode(masked)
    assert "What is 2 + 2?" in text and "Observation:\n4" in text and "helpful assistant" in text
    assert "<|im_start|>assistant\n" in text and "print(2 + 2)" not in text


def test_the_ids_are_the_whole_conversation_tokenized_as_at_inference(tokenizer: Any) -> None:
    messages = conversation()["messages"]
    text, _ = render(messages)
    assert encode(messages, tokenizer).input_ids == tokenizer(text)["input_ids"]
    assert tokenizer.apply_chat_template(messages, tokenize=False) == text  # the template we ship


def test_contents_that_start_and_end_with_whitespace_keep_their_own_tokens(tokenizer: Any) -> None:
    messages = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "\n\n  indented\n"},
    ]
    example = encode(messages, tokenizer)
    assert supervised_text(example, tokenizer).endswith("indented\n<|im_end|>")
    assert example.labels[-1] == IGNORE  # the newline after <|im_end|> is the template's


def test_long_conversations_are_truncated_or_dropped_and_counted(tokenizer: Any) -> None:
    long = conversation(answer="word " * 400)
    rows = [conversation(), long, {"id": "x", "messages": [{"role": "user", "content": "hi"}]}]
    cut = prepare(rows, tokenizer, max_length=120, overlong="truncate")
    assert (len(cut.examples), cut.truncated, cut.dropped_overlong, cut.no_assistant) == (
        2,
        1,
        0,
        1,
    )
    assert max(len(e.input_ids) for e in cut.examples) == 120
    dropped = prepare(rows, tokenizer, max_length=120, overlong="drop")
    assert (len(dropped.examples), dropped.truncated, dropped.dropped_overlong) == (1, 0, 1)


def test_a_cut_that_leaves_no_assistant_token_drops_the_conversation(tokenizer: Any) -> None:
    rows = [{"id": "x", "messages": [{"role": "user", "content": "long " * 300},
                                     {"role": "assistant", "content": "ok"}]}]  # fmt: skip
    prepared = prepare(rows, tokenizer, max_length=50, overlong="truncate")
    assert not prepared.examples and prepared.dropped_overlong == 1
    with pytest.raises(ConfigError, match="longer than max_length=50"):
        check_prepared(prepared, Path("data"), 50)


def test_data_without_assistant_turns_is_refused_in_one_line(
    tmp_path: Path, tokenizer: Any
) -> None:
    rows = [
        {
            "id": "x",
            "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}],
        }
    ]
    data = write_data(tmp_path / "export", rows)
    prepared = prepare(read_rows(data), tokenizer, 100, "truncate")
    with pytest.raises(ConfigError, match="no assistant turns to learn from in 1 conversations"):
        check_prepared(prepared, data, 100)


def test_missing_and_malformed_data_files_name_themselves(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="codeact data export"):
        read_rows(tmp_path)
    bad = tmp_path / "messages.jsonl"
    bad.write_text('{"messages": [{"role": "robot", "content": "x"}]}\n')
    with pytest.raises(ConfigError, match=r"messages.jsonl:1: message 0 needs a role"):
        read_rows(tmp_path)
