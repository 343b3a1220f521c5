"""What the tool-call formats (json, text) share: reading <solution>, picking the first valid
attempt, and plain replies."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from codeact.errors import FormatError
from codeact.types import Action, Finish, Reply


@dataclass
class Attempt:
    """One action attempt in a reply: its action, or why it is malformed."""

    action: Action | None
    error: str
    end: int  # where it ends: the history is cut here if it runs
    restore: str = ""  # closing markup the stop sequence removed


def first_valid(attempts: Iterable[Attempt]) -> Attempt | None:
    """The first valid action, else the first malformed one; None when there is no attempt."""
    first: Attempt | None = None
    for attempt in attempts:
        if attempt.action is not None:
            return attempt
        first = first or attempt
    return first


def read_solution(text: str, start: int) -> Attempt:
    """The <solution> whose body starts at `start`; an unclosed tag runs to the end of the reply."""
    close = text.find("</solution>", start)
    if close < 0:
        body, end, restore = text[start:], len(text), "</solution>"
    else:
        body, end, restore = text[start:close], close + len("</solution>"), ""
    if not body.strip():
        return Attempt(None, "Your <solution></solution> is empty. Put the answer inside it.", end)
    return Attempt(Finish(body.strip()), "", end, restore)


def plain_reply(text: str, call_syntax: str, closers: Iterable[tuple[str, str]] = ()) -> Reply:
    """A reply with no action: a message to the user, unless it is empty or has a stray closer."""
    if not text.strip():
        raise FormatError(
            f"Your reply was empty. Call a tool with {call_syntax}, answer with "
            "<solution>...</solution>, or write a message to the user."
        )
    for closer, opener in (*closers, ("</solution>", "<solution>")):
        if closer in text:
            raise FormatError(
                f"Your reply has {closer} but no {opener} before it. "
                f"Write {opener}, then the content, then {closer}."
            )
    return Reply(text.strip())
