"""Tool sources that live as long as a session: anything with `tools()` and `close()`, such as an
MCP server. An Agent given one takes its tools when it is built and closes it when it closes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from codeact.contracts import Tool
from codeact.errors import ConfigError


@runtime_checkable
class Toolset(Protocol):
    def tools(self) -> Sequence[Tool]: ...

    def close(self) -> None: ...


def expand(items: Sequence[Tool | Toolset]) -> tuple[list[Tool], list[Toolset]]:
    """The tools in `items` (a toolset's in its place), and the toolsets to close later."""
    tools: list[Tool] = []
    toolsets: list[Toolset] = []
    try:
        for item in items:
            if isinstance(item, Toolset) and not isinstance(item, Tool):
                toolsets.append(item)
                tools.extend(item.tools())
            else:
                tools.append(item)
        _check_unique(tools)
    except BaseException:
        close_all(toolsets)
        raise
    return tools, toolsets


def _check_unique(tools: list[Tool]) -> None:
    seen: set[str] = set()
    for t in tools:
        if t.name in seen:
            raise ConfigError(
                f"two tools are named {t.name!r} (two MCP servers may offer the same tool); "
                "give one another name, e.g. MCPServer(..., prefix='docs_')"
            )
        seen.add(t.name)


def close_all(toolsets: Sequence[Toolset]) -> None:
    for toolset in toolsets:
        toolset.close()
