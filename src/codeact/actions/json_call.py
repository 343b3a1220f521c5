"""The JSON baseline format: one tool call per turn, written as a JSON object.

    {"tool": "lookup", "args": {"city": "Paris"}}

Rules, in the order the parser applies them:
- Actions are `<solution>...</solution>`, a ```json block, or a bare JSON object (a `{` followed
  by a quoted key) anywhere in the prose. They are read in order, and the first *valid* one wins:
  the rest of the reply is dropped from the history, as in the code format. A malformed object
  is skipped whole (to its matching brace), so objects nested in it are never taken for calls.
- A call is an object with a "tool" key (the tool's name) and an optional "args" key (an object of
  argument values by name), and no other key. Whether the tool exists and takes those arguments
  is checked when it runs (`codeact.tools.calling.call_tool`), so parsing needs no tools.
- A ```json block holds one object; anything after it in the block is dropped.
- `<solution>ANSWER</solution>` ends the task with ANSWER, as in every format.
- A reply with no action is a plain-language message to the user (chat mode).
- If the reply has actions but none is valid (bad JSON, no "tool", "args" not an object, another
  key, an empty block or solution), the first one's FormatError is raised. So are an empty reply
  and a `</solution>` with no opening tag. Each message tells the model what to write instead.

Stop sequence: "Observation:". A JSON object has no closing marker a stop string could catch (a
`}` also closes nested objects), so the model is stopped instead where it would start inventing
the tool's result; the prompt reserves that word for our messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from codeact.actions.base import BaseFormat
from codeact.actions.common import Attempt, first_valid, plain_reply, read_solution
from codeact.actions.templates import template
from codeact.contracts import Tool
from codeact.errors import FormatError
from codeact.types import Action, CodeAction, ToolCall

_OPENERS = re.compile(r"<solution>|```json[ \t]*\n|\{(?=\s*[\"'])", re.IGNORECASE)
_FENCE = "```"
_EXAMPLE = '{"tool": "TOOL_NAME", "args": {"ARGUMENT_NAME": VALUE}}'
_DECODER = json.JSONDecoder()


class JSONFormat(BaseFormat):
    name = "json"
    stop: ClassVar[list[str]] = ["Observation:"]
    nudge = (
        "Please either call a tool or give your final answer between <solution> and </solution>."
    )

    def system_prompt(self, tools: Sequence[Tool]) -> str:
        tools_text = ""
        if tools:
            schemas = "\n".join(_schema_line(t) for t in tools)
            tools_text = template("json_tools").format(schemas=schemas)
        call = template("json").strip()
        return template("tool_task").format(call=call, tools=tools_text).rstrip() + "\n"

    def parse(self, text: str) -> Action:
        found = first_valid(_scan(text))
        if found is None:
            return plain_reply(text, _EXAMPLE)
        if found.action is None:
            raise FormatError(found.error)
        return found.action

    def clean(self, text: str) -> str:
        """The reply as kept in the history: cut after the action that runs, its fence closed."""
        found = first_valid(_scan(text))
        if found is None or found.action is None:
            return text  # the model should see what it wrote next to the error
        return _close_fence(text, found.end) + found.restore

    def render_act(self, action: CodeAction | ToolCall) -> str:
        if isinstance(action, CodeAction):
            return super().render_act(action)
        return json.dumps({"tool": action.name, "args": action.args}, ensure_ascii=False)


def _scan(text: str) -> Iterator[Attempt]:
    pos = 0
    while (match := _OPENERS.search(text, pos)) is not None:
        opener = match.group(0).lower()
        if opener == "<solution>":
            found = read_solution(text, match.end())
        elif opener.startswith(_FENCE):
            found = _read_fence(text, match.end())
        else:
            found = _read_object(text, match.start())
        yield found
        pos = max(found.end, match.end())


def _read_fence(text: str, start: int) -> Attempt:
    close = text.find(_FENCE, start)
    body_end = len(text) if close < 0 else close
    fence_end = len(text) if close < 0 else close + len(_FENCE)
    body = text[start:body_end]
    if not body.strip():
        return Attempt(
            None, f"Your ```json block is empty. Put one tool call in it: {_EXAMPLE}", fence_end
        )
    obj_start = start + len(body) - len(body.lstrip())
    if text[obj_start] != "{":
        return Attempt(
            None, f"Your ```json block must hold one JSON object, like {_EXAMPLE}", fence_end
        )
    found = _read_object(text[:body_end], obj_start)  # the object may not run past the fence
    return found if found.action is not None else replace(found, end=fence_end)


def _read_object(text: str, start: int) -> Attempt:
    try:
        value, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        return Attempt(None, _bad_json(text, start, exc), _object_end(text, start))
    except RecursionError:  # nesting past the parser's depth: a malformed action, not a crash
        message = "Your JSON is nested too deeply. Write one flat object with a tool and its args."
        return Attempt(None, message, _object_end(text, start))
    error = _call_error(value)
    if error:
        return Attempt(None, error, end)
    return Attempt(ToolCall(value["tool"], value.get("args", {})), "", end)


def _call_error(value: dict[str, Any]) -> str:
    """Why a decoded object is not a tool call ("" when it is one)."""
    if "tool" not in value:
        keys = ", ".join(json.dumps(k) for k in value) or "no keys"
        return f'Your JSON object has no "tool" key (it has {keys}). A tool call is {_EXAMPLE}'
    if not isinstance(value["tool"], str) or not value["tool"].strip():
        return (
            f'"tool" must be the name of a tool, as a string; you wrote "tool": '
            f"{json.dumps(value['tool'])}. A tool call is {_EXAMPLE}"
        )
    extra = [k for k in value if k not in ("tool", "args")]
    if extra:
        keys = ", ".join(json.dumps(k) for k in extra)
        return (
            f'Your tool call has the key {keys}, but a call has only "tool" and "args". '
            f'Put every argument inside "args": {_EXAMPLE}'
        )
    if not isinstance(value.get("args", {}), dict):
        return (
            f'"args" must be a JSON object of argument values by name, like "args": '
            f'{{"city": "Paris"}}; you wrote {_json_kind(value["args"])}.'
        )
    return ""


def _bad_json(text: str, start: int, exc: json.JSONDecodeError) -> str:
    before = text[max(start, exc.pos - 30) : exc.pos]
    return (
        f"Your tool call is not valid JSON: {exc.msg} after {before!r}. Write one JSON object "
        f"like {_EXAMPLE}, with double quotes around keys and strings, and true, false and null "
        "in lower case."
    )


def _object_end(text: str, start: int) -> int:
    """Where the object opened at `start` ends by its braces (the end of the text if unclosed)."""
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if escaped:
            escaped = False
        elif in_string:
            escaped = ch == "\\"
            in_string = ch != '"'
        elif ch == '"':
            in_string = True
        elif ch in "{}":
            depth += 1 if ch == "{" else -1
            if depth == 0:
                return i + 1
    return len(text)


def _close_fence(text: str, cut: int) -> str:
    """`text` cut at `cut`; if that lands inside a ``` fence, the fence is closed again."""
    head = text[:cut]
    if head.count(_FENCE) % 2 == 0:
        return head
    close = text.find(_FENCE, cut)
    if close >= 0 and not text[cut:close].strip():
        return text[: close + len(_FENCE)]
    return head + "\n" + _FENCE


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}
    return kinds.get(type(value), "a number")


def _schema_line(t: Tool) -> str:
    # default=repr: a default value JSON cannot hold is still shown, as Python writes it
    return json.dumps(t.json_schema(), ensure_ascii=False, default=repr)
