"""What every built-in format shares, as a base a format of your own may inherit: the final answer
as `<solution>...</solution>`, observations after "Observation:", and the words the CLI shows
while an action runs. Subclasses supply `system_prompt`, `parse`, `clean` and `render_act` (how
they write a code action or a tool call); see `codeact.contracts.ActionFormat` for the contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from codeact.contracts import Tool
from codeact.types import Action, CodeAction, Finish, Observation, Reply, ToolCall, ToolCalls


class BaseFormat:
    name: ClassVar[str] = ""
    stop: ClassVar[list[str]] = []
    runs_code: ClassVar[bool] = False
    nudge: ClassVar[str] = (
        "Please either act or give your final answer between <solution> and </solution>."
    )

    def system_prompt(self, tools: Sequence[Tool]) -> str:
        raise NotImplementedError

    def parse(self, text: str) -> Action:
        raise NotImplementedError

    def clean(self, text: str) -> str:
        return text

    def render_action(self, action: Action) -> str:
        if isinstance(action, Finish):
            return f"<solution>{action.answer}</solution>"
        if isinstance(action, Reply):
            return action.text
        if isinstance(action, ToolCalls):  # only a format with native calls writes several
            raise ValueError(f"the {self.name} format writes one call per reply")
        return self.render_act(action)

    def render_act(self, action: CodeAction | ToolCall) -> str:
        """A code action or a tool call as this format writes it."""
        raise ValueError(f"the {self.name} format cannot write a {type(action).__name__}")

    def describe(self, action: Action) -> str:
        if isinstance(action, CodeAction):
            return "running code"
        if isinstance(action, ToolCall):
            return f"calling {action.name}"
        return ""

    def render_observation(self, observation: Observation | str) -> str:
        return f"Observation:\n{observation}"


def call_as_code(call: ToolCall) -> str:
    """Python that makes `call` and prints its result (how formats that run code write a call)."""
    args = ", ".join(f"{name}={value!r}" for name, value in call.args.items())
    return f"print({call.name}({args}))"
