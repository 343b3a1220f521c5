"""Calling a tool on the host for the JSON and text formats, with errors as observations."""

from __future__ import annotations

import time
from collections.abc import Sequence

from codeact.contracts import Tool
from codeact.tools.function import describe_failure
from codeact.tools.values import render
from codeact.types import ExecutionError, Observation, ToolCall


def call_tool(tools: Sequence[Tool], call: ToolCall) -> Observation:
    """Run a tool on the host for the JSON and text formats; errors become the observation.

    A call the model got wrong (an unknown, missing or invalid argument) is told apart from a
    tool that raised, and answered with the signature. The result is shown as `print(result)`
    shows it to code, so that every format sees the same text.
    """
    started = time.perf_counter()

    def failed(name: str, value: str) -> Observation:
        return Observation(
            output=f"{name}: {value}",
            error=ExecutionError(name, value, traceback=""),
            seconds=time.perf_counter() - started,
        )

    by_name = {t.name: t for t in tools}
    if call.name not in by_name:
        known = ", ".join(sorted(by_name)) or "none"
        return failed("NameError", f"unknown tool {call.name!r}. Available tools: {known}.")
    tool = by_name[call.name]
    # FunctionTool takes arguments by name (and *args as a list); other tools are called directly
    invoke = getattr(tool, "invoke", None)
    try:
        value = invoke(call.args) if callable(invoke) else tool(**call.args)
        shown = render(value)
    except Exception as exc:  # a tool that raises becomes an observation; the run goes on
        return failed(*describe_failure(tool, exc))
    return Observation(output=shown, seconds=time.perf_counter() - started)
