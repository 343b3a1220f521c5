"""The text baseline format: one tool call per turn, written as a line of plain text.

    Action: lookup, Paris, 3 End Action

Rules, in the order the parser applies them:
- Actions are `<solution>...</solution>` and `Action: ... End Action` ("Action:" case-sensitive),
  read in order; the first *valid* one wins and the rest of the reply is dropped from the history,
  as in the code format.
- "End Action" is the stop sequence, so an action with no "End Action" runs to the end of the
  reply; clean() puts it back.
- The action is split on commas, except inside quotes and brackets. The first item is the tool
  name; the others are its arguments, mapped onto the tool's parameters in order.
- An argument is read as a Python literal (`3`, `'a, b'`, `[1, 2]`, `None`) or a JSON one (`true`,
  `null`) when it parses as one, else kept as stripped text. A quote opens a string only at the
  start of an argument (or inside brackets), so "Paris's weather" stays text.
- Mapping needs each tool's parameter order, which the format learns from `system_prompt(tools)`
  or `TextFormat(tools=...)`. An unknown tool, more arguments than parameters, an empty name or
  argument, or an unclosed quote or bracket makes the action malformed. Missing arguments are left
  to the signature check when the call runs (`codeact.tools.calling.call_tool`).
- `<solution>ANSWER</solution>` ends the task with ANSWER, as in every format.
- A reply with no action is a plain-language message to the user (chat mode).
- If the reply has actions but none is valid, the first one's FormatError is raised. So are an
  empty reply and an "End Action" or `</solution>` with nothing opening it. Each message tells the
  model what to write instead.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from codeact.actions.base import BaseFormat
from codeact.actions.common import Attempt, first_valid, plain_reply, read_solution
from codeact.actions.templates import template
from codeact.contracts import Tool
from codeact.errors import FormatError
from codeact.types import Action, CodeAction, ToolCall

_OPENERS = re.compile(r"<solution>|\bAction:")
_END = "End Action"
_SYNTAX = "Action: TOOL_NAME, ARGUMENT1, ARGUMENT2 End Action"
_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_QUOTES = "\"'"
_NOT_A_LITERAL = (ValueError, SyntaxError, TypeError, MemoryError, RecursionError)


class TextFormat(BaseFormat):
    name = "text"
    stop: ClassVar[list[str]] = [_END]
    nudge = (
        "Please either call a tool or give your final answer between <solution> and </solution>."
    )

    def __init__(self, tools: Sequence[Tool] = ()) -> None:
        self._learn(tools)

    def system_prompt(self, tools: Sequence[Tool]) -> str:
        # parse() maps positional arguments onto the parameters of the tools the model was shown
        self._learn(tools)
        tools_text = ""
        if tools:
            lines = "\n".join(_tool_line(t) for t in tools)
            tools_text = template("text_tools").format(lines=lines)
        call = template("text").strip()
        return template("tool_task").format(call=call, tools=tools_text).rstrip() + "\n"

    def parse(self, text: str) -> Action:
        found = first_valid(self._scan(text))
        if found is None:
            return plain_reply(text, _SYNTAX, [(_END, "Action:")])
        if found.action is None:
            raise FormatError(found.error)
        return found.action

    def clean(self, text: str) -> str:
        """The reply as kept in the history: cut after the action that runs, "End Action" restored."""
        found = first_valid(self._scan(text))
        if found is None or found.action is None:
            return text  # the model should see what it wrote next to the error
        return text[: found.end] + found.restore

    def render_act(self, action: CodeAction | ToolCall) -> str:
        if isinstance(action, CodeAction):
            return super().render_act(action)
        schema = self._schemas.get(action.name)
        if schema is None:
            raise ValueError(f"the text format was shown no tool {action.name!r}")
        values = ", ".join(repr(v) for v in _positional(action, schema))
        return f"Action: {action.name}{', ' + values if values else ''} {_END}"

    def _learn(self, tools: Sequence[Tool]) -> None:
        self._schemas = {t.name: t.json_schema().get("parameters", {}) for t in tools}
        self._params = {name: list(s.get("properties", {})) for name, s in self._schemas.items()}

    def _scan(self, text: str) -> Iterator[Attempt]:
        pos = 0
        while (match := _OPENERS.search(text, pos)) is not None:
            if match.group(0) == "<solution>":
                found = read_solution(text, match.end())
            else:
                found = self._read_action(text, match.end())
            yield found
            pos = found.end

    def _read_action(self, text: str, start: int) -> Attempt:
        close = text.find(_END, start)
        if close < 0:  # the stop sequence ate "End Action"
            body, end = text[start:], len(text)
            restore = _END if text[-1:].isspace() else f" {_END}"
        else:
            body, end, restore = text[start:close], close + len(_END), ""
        try:
            call = self._call(body)
        except FormatError as err:
            return Attempt(None, str(err), end)
        return Attempt(call, "", end, restore)

    def _call(self, body: str) -> ToolCall:
        name, *items = (item.strip() for item in _split(body))
        _check_name(name)
        if name not in self._params:
            known = ", ".join(sorted(self._params)) or "none"
            raise FormatError(f"There is no tool named {name!r}. The tools are: {known}.")
        return ToolCall(name, _by_name(name, self._params[name], items))


def _check_name(name: str) -> None:
    if not name:
        raise FormatError(f"Your action has no tool name. Write {_SYNTAX}.")
    if not name.isidentifier():
        raise FormatError(
            f"{name!r} is not a tool name. Write the tool name, then its arguments, separated "
            f"by commas and without parentheses: {_SYNTAX}."
        )


def _by_name(name: str, params: list[str], items: list[str]) -> dict[str, Any]:
    """The positional arguments `items` as values by parameter name."""
    if len(items) > len(params):
        raise FormatError(
            f"{name} takes {len(params)} argument(s) ({', '.join(params)}), but you gave "
            f"{len(items)}. Put text that contains a comma in quotes."
        )
    for i, item in enumerate(items, 1):
        if not item:
            raise FormatError(
                f"Argument {i} of {name} is empty. Write a value between each pair of commas."
            )
    return {param: _value(item) for param, item in zip(params, items, strict=False)}


def _split(body: str) -> list[str]:
    """Split on the commas that are outside quotes and brackets."""
    items: list[str] = []
    closers: list[str] = []  # the closing brackets still expected, innermost last
    start, quote, escaped = 0, "", False
    for i, ch in enumerate(body):
        if escaped:
            escaped = False
        elif quote:
            escaped = ch == "\\"
            quote = "" if ch == quote else quote
        elif ch in _QUOTES and (closers or not body[start:i].strip()):
            quote = ch  # only where a string can start: "Paris's weather" is plain text
        elif ch in _BRACKETS:
            closers.append(_BRACKETS[ch])
        elif closers and ch == closers[-1]:
            closers.pop()
        elif ch == "," and not closers:
            items.append(body[start:i])
            start = i + 1
    if quote:
        raise FormatError(
            f"Your action has an unclosed {quote}. Close the quoted text with {quote}."
        )
    if closers:
        raise FormatError(f"Your action has an unclosed bracket. Close it with {closers[-1]}.")
    return [*items, body[start:]]


def _value(item: str) -> Any:
    """A Python or JSON literal when `item` is one, else the text itself."""
    for read in (ast.literal_eval, json.loads):
        try:
            return read(item)
        except _NOT_A_LITERAL:
            continue
    return item


def _positional(call: ToolCall, schema: dict[str, Any]) -> list[Any]:
    """The call's arguments in parameter order, up to the last one given. A skipped optional
    parameter is written as the default its schema shows, which is the same call: the tool gets
    what it would have had without it."""
    properties: dict[str, Any] = schema.get("properties", {})
    params = list(properties)
    unknown = sorted(set(call.args) - set(params))
    if unknown:
        raise ValueError(f"{call.name} has no parameters {unknown}")
    last = max((params.index(k) for k in call.args), default=-1)
    values = []
    for param in params[: last + 1]:
        if param in call.args:
            values.append(call.args[param])
        elif "default" in properties[param]:
            values.append(properties[param]["default"])
        else:
            raise ValueError(
                f"text actions are positional: {call.name} needs {param!r} (it shows no default) "
                "before the arguments given after it"
            )
    return values


def _properties(t: Tool) -> dict[str, Any]:
    props: dict[str, Any] = t.json_schema().get("parameters", {}).get("properties", {})
    return props


def _tool_line(t: Tool) -> str:
    args = [
        f"{name}={spec['default']!r}" if "default" in spec else name
        for name, spec in _properties(t).items()
    ]
    doc = " ".join(t.doc.split())  # one line per tool
    return f"{t.name}({', '.join(args)}): {doc}"
