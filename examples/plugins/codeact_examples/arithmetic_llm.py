"""An LLM backend plugin: a tiny rule-based "model" that solves arithmetic offline.

It finds the arithmetic expression in the task, writes an action that computes it (code when the
format runs code; otherwise it answers at once), reads the result from the observation, and
answers. It writes every action through the format's own `render_action`, so it speaks any
format. Registered as the `codeact.llms` entry point `arithmetic`:

    codeact run "What is 12 * (3 + 4)?" --llm arithmetic
    codeact run "What is 6 * 7?" --llm arithmetic --llm-opt format=hermes --format hermes

Options (the backend contract in codeact.contracts): `format` (the action format it writes,
"code" by default), `max_tokens` (taken, as every backend must; its replies are short anyway) and
`delay` (seconds between streamed words).
"""

from __future__ import annotations

import ast
import operator
import re
import time
from collections.abc import Callable, Sequence
from typing import Any

from codeact.actions import get_format
from codeact.contracts import TokenCallback
from codeact.errors import LLMError
from codeact.types import CodeAction, Completion, Finish, Message, Reply, Usage

_EXPRESSION = re.compile(r"[-+*/().\d\s]*\d[-+*/().\d\s]*")
_OPERATORS: dict[type, Callable[..., Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.USub: operator.neg, ast.UAdd: operator.pos,
}  # fmt: skip


class ArithmeticLLM:
    def __init__(self, *, format: str = "code", max_tokens: int | None = None, delay: float = 0.0):
        self.name = "arithmetic"
        self.format = get_format(format)
        self.delay = delay

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: TokenCallback | None = None,
    ) -> Completion:
        started = time.perf_counter()
        text = self.format.render_action(self._act(messages))
        for word in re.findall(r"\S+\s*", text):
            time.sleep(self.delay)
            if stream is not None:
                stream(word)
        usage = Usage(sum(len(m.content.split()) for m in messages), len(text.split()))
        return Completion(text, usage, time.perf_counter() - started, "stop", self.name)

    def _act(self, messages: Sequence[Message]) -> CodeAction | Finish | Reply:
        last = messages[-1].content if messages else ""
        if sum(m.role == "assistant" for m in messages) and (result := _result(last)):
            return Finish(result)
        task = next((m.content for m in reversed(messages) if m.role == "user"), "")
        expression = max(_EXPRESSION.findall(task), key=len, default="").strip()
        if not expression:
            return Reply("I only do arithmetic: give me an expression, like 12 * (3 + 4).")
        if self.format.runs_code:
            return CodeAction(f"print({expression})")
        return Finish(_number(_evaluate(expression)))


def _result(observation: str) -> str | None:
    """The number an observation shows, if it shows one."""
    found = re.findall(r"-?\d+(?:\.\d+)?", observation)
    return found[-1] if found else None


def _evaluate(expression: str) -> float:
    """The value of a plain arithmetic expression, without eval()."""

    def value(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return node.value
        if isinstance(node, ast.BinOp | ast.UnaryOp) and type(node.op) in _OPERATORS:
            operands = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.operand]
            return _OPERATORS[type(node.op)](*map(value, operands))
        raise LLMError(f"not plain arithmetic: {ast.dump(node)}")

    return float(value(ast.parse(expression, mode="eval").body))


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:.6g}"
