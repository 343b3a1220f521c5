"""The text of a trajectory that filtering compares: what the model read and wrote, without the
system prompt (which every run of an environment shares), as lower-case words."""

from __future__ import annotations

import re

from codeact.types import Trajectory

_WORD = re.compile(r"\w+")


def conversation_text(trajectory: Trajectory) -> str:
    return "\n".join(m.content for m in trajectory.messages if m.role != "system")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def ngrams(tokens: list[str], n: int) -> set[str]:
    if len(tokens) < n:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}
