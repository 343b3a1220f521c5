"""The native function-calling format: the model server's own `tools` API (OpenAI's, which vLLM,
llama.cpp server, Ollama and OpenAI serve), as the fourth baseline next to code, JSON and text.

The tools go in the request's `tools` field as their JSON schemas (`native_tools = True` tells the
agent to send them, to an LLM whose `complete()` takes `tools=`). The model's `tool_calls` come
back on the assistant message, as `ToolRequest`s with their raw argument text; they run on the
host in order, one or several per turn as the server returns them, and each is answered by its
own "tool" message. The final answer is `<solution>...</solution>`, as in every format; a reply
with neither calls nor a solution is a message to the user.

Rules: a call whose arguments are not a JSON object, or whose function name is empty, makes the
whole reply malformed (each of its calls is answered with the error, so the conversation stays
valid for the server). Calls take precedence over a solution written in the same reply. No stop
sequence: the server ends a reply that calls functions. `render_reply` writes an action as the
assistant message that carries it, with fresh call ids, which is how the oracle and scripted
tests produce native calls.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar

from codeact.actions.base import BaseFormat
from codeact.actions.common import plain_reply, read_solution
from codeact.actions.templates import template
from codeact.contracts import Tool
from codeact.errors import FormatError
from codeact.types import Action, CodeAction, Message, ToolCall, ToolCalls, ToolRequest

MAX_ARGUMENT_CHARS = 256 * 1024  # a call's argument text, beyond which it is not parsed
_SOLUTION = "<solution>"


class ToolsFormat(BaseFormat):
    name = "tools"
    stop: ClassVar[list[str]] = []
    native_tools: ClassVar[bool] = True
    nudge = (
        "Please either call a function or give your final answer between <solution> and "
        "</solution>."
    )

    def __init__(self) -> None:
        self._calls = 0  # ids for the calls render_reply writes

    def system_prompt(self, tools: Sequence[Tool]) -> str:
        return template("tools").rstrip() + "\n"

    def tool_specs(self, tools: Sequence[Tool]) -> list[dict[str, Any]]:
        """The request's `tools` field: each tool's JSON schema as a function."""
        return [{"type": "function", "function": t.json_schema()} for t in tools]

    def parse(self, text: str) -> Action:
        """A reply without function calls: a final answer, or a message to the user."""
        start = text.find(_SOLUTION)
        if start >= 0:
            found = read_solution(text, start + len(_SOLUTION))
            if found.action is None:
                raise FormatError(found.error)
            return found.action
        return plain_reply(text, "a function call")

    def parse_message(self, message: Message) -> Action:
        """The action of an assistant message: its function calls, else its text's."""
        if not message.tool_calls:
            return self.parse(message.content)
        return ToolCalls([_call(request) for request in message.tool_calls])

    def render_act(self, action: CodeAction | ToolCall) -> str:
        raise ValueError("the tools format writes calls as messages: use render_reply")

    def render_reply(self, action: Action) -> Message:
        """`action` as the assistant message that carries it (calls get fresh ids)."""
        calls = action.calls if isinstance(action, ToolCalls) else [action]
        if not all(isinstance(c, ToolCall) for c in calls):
            return Message("assistant", self.render_action(action))
        requests = []
        for call in calls:
            assert isinstance(call, ToolCall)
            self._calls += 1
            arguments = json.dumps(call.args, ensure_ascii=False)
            requests.append(ToolRequest(f"call_{self._calls}", call.name, arguments))
        return Message("assistant", "", requests)

    def describe(self, action: Action) -> str:
        if isinstance(action, ToolCalls):
            return "calling " + ", ".join(c.name for c in action.calls)
        return super().describe(action)

    def render_observation(self, observation: object) -> str:
        return str(observation)


def _call(request: ToolRequest) -> ToolCall:
    if not request.name.strip():
        raise FormatError("A function call has no function name. Call one of the functions given.")
    text = request.arguments.strip() or "{}"
    if len(text) > MAX_ARGUMENT_CHARS:
        raise FormatError(
            f"The arguments of your call to {request.name} are {len(text)} characters; the "
            f"limit is {MAX_ARGUMENT_CHARS}."
        )
    try:
        args = json.loads(text)
    except RecursionError:
        raise FormatError(
            f"The arguments of your call to {request.name} nest too deeply."
        ) from None
    except json.JSONDecodeError as exc:
        raise FormatError(
            f"The arguments of your call to {request.name} are not valid JSON ({exc.msg}). "
            'Write them as one JSON object, like {"city": "Paris"}.'
        ) from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise FormatError(f"The arguments of your call to {request.name}: {exc}") from None
    if not isinstance(args, dict):
        raise FormatError(
            f"The arguments of your call to {request.name} must be a JSON object of values by name."
        )
    return ToolCall(request.name, args)


def answer_messages(previous: Message, content: str) -> list[Message]:
    """How an observation is given back after `previous`: a "tool" message per native call it
    made (each with its id), else one user message."""
    if previous.role == "assistant" and previous.tool_calls:
        return [Message("tool", content, tool_call_id=c.id) for c in previous.tool_calls]
    return [Message("user", content)]
