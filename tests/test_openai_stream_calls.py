"""Native tool calls streamed by a model server are assembled in linear time and bounded memory:
a server may stream without end."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from codeact.llms.openai import MAX_ARGUMENT_CHARS, MAX_STREAMED_CALLS, _add_call_part


def _part(index: int, arguments: str) -> Any:
    function = SimpleNamespace(name="add", arguments=arguments)
    return SimpleNamespace(index=index, id=f"call_{index}", function=function)


def test_many_small_pieces_are_joined_in_linear_time_and_capped() -> None:
    calls: dict[int, Any] = {}
    started = time.perf_counter()
    for _ in range(400_000):  # 3.2 MB in 8-byte pieces; `+=` per piece took 25 s for 1 MB
        _add_call_part(calls, _part(0, "12345678"))
    assert time.perf_counter() - started < 5
    assert calls[0].size == MAX_ARGUMENT_CHARS + 1  # one past the limit: the format refuses it


def test_the_number_of_calls_is_capped() -> None:
    calls: dict[int, Any] = {}
    for index in range(MAX_STREAMED_CALLS * 3):
        _add_call_part(calls, _part(index, "{}"))
    assert len(calls) == MAX_STREAMED_CALLS
