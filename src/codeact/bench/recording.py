"""Tools that remember their calls, so an atomic case can judge the first call the model made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codeact.bench.suite import Call
from codeact.contracts import Tool


@dataclass
class CallLog:
    calls: list[tuple[Call, Any]] = field(default_factory=list)  # (call, result or exception)


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
        call = Call(self.name, _by_keyword(self.inner, args, kwargs))
        try:
            result = self.inner(*args, **kwargs)
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
