"""The CodeAct format: actions are Python in <execute>...</execute> (fenced ```python also works).

Rules, in the order the parser applies them:
- The first action in the reply wins: `<execute>`, a ```python fence, or `<solution>`, whichever
  comes first. Only that one block runs; the rest of the reply is dropped from the history, exactly
  as the `</execute>` stop sequence would have cut it. One action per turn keeps the model honest:
  it must read the output before it acts again.
- An opening tag with no closing tag runs to the end of the reply (the stop sequence ate the tag).
- `<solution>ANSWER</solution>` ends the task with ANSWER.
- A reply with no action is a plain-language message to the user (chat mode).
- An empty reply, an empty block, or a closing tag with no opening tag is a FormatError, whose
  message tells the model what to write instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from codeact.actions.base import BaseFormat, call_as_code
from codeact.actions.templates import template
from codeact.contracts import Tool
from codeact.errors import FormatError
from codeact.types import Action, CodeAction, Finish, Reply, ToolCall

_OPENERS = re.compile(r"<execute>|<solution>|```(?:python|py|python3)?[ \t]*\n", re.IGNORECASE)
_CLOSERS = {"<execute>": "</execute>", "<solution>": "</solution>"}


class CodeFormat(BaseFormat):
    name = "code"
    stop: ClassVar[list[str]] = ["</execute>"]
    runs_code = True
    nudge = "Please either run code or give your final answer between <solution> and </solution>."

    def system_prompt(self, tools: Sequence[Tool]) -> str:
        tools_text = ""
        if tools:
            sigs = "\n\n".join(_python_stub(t) for t in tools)
            tools_text = template("code_tools").format(signatures=sigs)
        return template("code").format(tools=tools_text).rstrip() + "\n"

    def parse(self, text: str) -> Action:
        block = _find_block(text)
        if block is None:
            return _plain_reply(text)
        body = text[block.start : block.end]
        if block.opener == "<solution>":
            if not body.strip():
                raise FormatError("Your <solution></solution> is empty. Put the answer inside it.")
            return Finish(body.strip())
        if not body.strip():
            raise FormatError(
                "Your code block is empty. Put Python code between <execute> and </execute>."
            )
        return CodeAction(body.strip("\n"))

    def clean(self, text: str) -> str:
        """The reply as kept in the history: cut after the first action, its closing tag restored."""
        block = _find_block(text)
        return text if block is None else text[: block.end] + block.closer

    def render_act(self, action: CodeAction | ToolCall) -> str:
        code = action.code if isinstance(action, CodeAction) else call_as_code(action)
        return "<execute>\n" + code.strip("\n") + "\n</execute>"


@dataclass
class _Block:
    opener: str
    closer: str
    start: int  # where the body starts
    end: int  # where the body ends (the closer, or the end of the text)


def _find_block(text: str) -> _Block | None:
    match = _OPENERS.search(text)
    if match is None:
        return None
    opener = match.group(0).lower()
    if opener not in _CLOSERS:
        opener, closer = "```", "```"
    else:
        closer = _CLOSERS[opener]
    end = text.find(closer, match.end())
    return _Block(opener, closer, match.end(), end if end >= 0 else len(text))


def _plain_reply(text: str) -> Reply:
    if not text.strip():
        raise FormatError(
            "Your reply was empty. Run code with <execute>...</execute>, answer with "
            "<solution>...</solution>, or write a message to the user."
        )
    for closer in ("</execute>", "</solution>"):
        if closer in text:
            opener = closer.replace("/", "")
            raise FormatError(
                f"Your reply has {closer} but no {opener} before it. "
                f"Write {opener}, then the content, then {closer}."
            )
    return Reply(text.strip())


def _python_stub(t: Tool) -> str:
    doc = "\n".join(f"    {line}" if line else "" for line in t.doc.splitlines()).lstrip()
    return f'def {t.signature}:\n    """{doc}"""'
