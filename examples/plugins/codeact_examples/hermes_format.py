"""An action format plugin: tool calls as Hermes-style `<tool_call>` JSON, the way many open
models (Qwen2.5, Hermes, ...) call functions in plain text.

    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Paris"}}
    </tool_call>

Results come back inside `<tool_response>` tags, and the final answer is `<solution>...</solution>`
(the built-in formats' answer, from BaseFormat). It runs no code, so the agent and the benchmark
give it no kernel. Registered as the `codeact.formats` entry point `hermes`:

    codeact bench run --formats code,hermes --llm oracle
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import ClassVar

from codeact.actions.base import BaseFormat
from codeact.contracts import Tool
from codeact.errors import FormatError
from codeact.types import Action, CodeAction, Finish, Observation, Reply, ToolCall

PROMPT = """You are a helpful assistant with access to functions. Each of your replies does one of
these: call one function, give the final answer between <solution> and </solution>, or talk to the
user in plain language.

To call a function, write a JSON object with its name and arguments inside <tool_call></tool_call>
tags, then stop. The result comes back inside <tool_response></tool_response> tags.
<tool_call>
{{"name": "FUNCTION_NAME", "arguments": {{"ARGUMENT_NAME": VALUE}}}}
</tool_call>

The functions, as JSON schemas:
<tools>
{tools}
</tools>
"""
_CALL = re.compile(r"<tool_call>(.*?)(?:</tool_call>|$)", re.DOTALL)
_SOLUTION = re.compile(r"<solution>(.*?)(?:</solution>|$)", re.DOTALL)


class HermesFormat(BaseFormat):
    name = "hermes"
    stop: ClassVar[list[str]] = ["</tool_call>"]
    nudge = "Please either call a function in <tool_call></tool_call> or give your final answer between <solution> and </solution>."

    def system_prompt(self, tools: Sequence[Tool]) -> str:
        schemas = "\n".join(json.dumps(t.json_schema(), ensure_ascii=False) for t in tools)
        return PROMPT.format(tools=schemas or "(none)")

    def parse(self, text: str) -> Action:
        call, answer = _CALL.search(text), _SOLUTION.search(text)
        if call and (answer is None or call.start() < answer.start()):
            return _tool_call(call.group(1))
        if answer:
            if not answer.group(1).strip():
                raise FormatError("Your <solution></solution> is empty. Put the answer inside it.")
            return Finish(answer.group(1).strip())
        if not text.strip():
            raise FormatError("Your reply was empty. Call a function, answer, or write a message.")
        return Reply(text.strip())

    def clean(self, text: str) -> str:
        call = _CALL.search(text)
        if call is None:
            return text
        return text[: call.end()] + (
            "" if call.group(0).endswith("</tool_call>") else "</tool_call>"
        )

    def render_act(self, action: CodeAction | ToolCall) -> str:
        if isinstance(action, CodeAction):
            return super().render_act(action)  # a ValueError: this format runs no code
        payload = json.dumps({"name": action.name, "arguments": action.args}, ensure_ascii=False)
        return f"<tool_call>\n{payload}\n</tool_call>"

    def render_observation(self, observation: Observation | str) -> str:
        return f"<tool_response>\n{observation}\n</tool_response>"


def _tool_call(body: str) -> ToolCall:
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise FormatError(f"Your <tool_call> does not hold valid JSON ({exc}).") from None
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise FormatError('A <tool_call> holds {"name": "FUNCTION_NAME", "arguments": {...}}.')
    arguments = value.get("arguments", {})
    if not isinstance(arguments, dict):
        raise FormatError('"arguments" must be a JSON object of argument values by name.')
    return ToolCall(value["name"], arguments)
