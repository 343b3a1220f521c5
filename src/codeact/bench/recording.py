"""Tools that remember their calls, so that a judge sees every call an episode made."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from codeact.contracts import Tool
from codeact.types import ToolCall


@dataclass
class CallLog:
    calls: list[tuple[ToolCall, Any]] = field(default_factory=list)  # (call, result or exception)


class RecordingTool:
    """Wraps a Tool: same name, signature, doc and schema; records each call by keyword."""

    def __init__(self, inner: Tool, log: CallLog) -> None:
        self.inner = inner
        self.log = log
        self.name = inner.name
        self.signature = inner.signature
        self.doc = inner.doc

    def json_schema(self) -> dict[str, Any]:
        return self.inner.json_schema()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        named = _by_keyword(self.inner, args, kwargs)
        return self._record(named, lambda: self.inner(*args, **kwargs))

    def invoke(self, arguments: Mapping[str, Any]) -> Any:
        """A call by name (JSON and text formats), passed on as the inner tool takes it."""
        invoke = getattr(self.inner, "invoke", None)
        named = _by_keyword(self.inner, (), dict(arguments))
        if callable(invoke):
            return self._record(named, lambda: invoke(arguments))
        return self._record(named, lambda: self.inner(**arguments))

    def _record(self, named: dict[str, Any], run: Callable[[], Any]) -> Any:
        call = ToolCall(self.name, named)
        try:
            result = run()
        except Exception as exc:
            self.log.calls.append((call, exc))
            raise
        self.log.calls.append((call, result))
        return result


def recording(tools: list[Tool]) -> tuple[list[Tool], CallLog]:
    log = CallLog()
    return [RecordingTool(t, log) for t in tools], log


def _by_keyword(tool: Tool, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The call's arguments by name, without those that merely restate a default: writing
    `unit="C"` when "C" is the default is the same call as leaving it out."""
    properties = tool.json_schema()["parameters"]["properties"]
    named = dict(zip(properties, args, strict=False))
    named.update(kwargs)
    return {
        k: v
        for k, v in named.items()
        if not ("default" in properties.get(k, {}) and properties[k]["default"] == v)
    }
