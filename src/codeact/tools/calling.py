"""Calling a tool on the host for the JSON and text formats, with errors as observations."""

from __future__ import annotations

import time
from collections.abc import Sequence

from codeact.contracts import Tool
from codeact.types import ExecutionError, Observation, ToolCall


def call_tool(tools: Sequence[Tool], call: ToolCall) -> Observation:
    """Run a tool on the host for the JSON and text formats; errors become the observation.

    The arguments are bound to the signature first, so a call the model got wrong (an unknown or
    missing argument) is told apart from a tool that raised, and answered with the signature.
    """
    started = time.perf_counter()

    def failed(exc: Exception, hint: str = "") -> Observation:
        name, value = type(exc).__name__, str(exc)
        return Observation(
            output=f"{name}: {value}{hint}",
            error=ExecutionError(name, value, traceback=""),
            seconds=time.perf_counter() - started,
        )

    by_name = {t.name: t for t in tools}
    if call.name not in by_name:
        known = ", ".join(sorted(by_name)) or "none"
        return failed(NameError(f"unknown tool {call.name!r}"), f". Available tools: {known}.")
    tool = by_name[call.name]
    # FunctionTool has bind(); other tools report bad arguments by raising, like any error
    bind = getattr(tool, "bind", None)
    try:
        if callable(bind):
            bind(call.args)
    except TypeError as exc:
        return failed(exc, f". The signature is {tool.signature}.")
    try:
        value = tool(**call.args)
    except Exception as exc:  # a tool that raises becomes an observation; the run goes on
        return failed(exc)
    return Observation(output=repr(value), seconds=time.perf_counter() - started)
