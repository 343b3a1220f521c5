"""Tools: typed host-side functions offered to the agent, and the bridge the kernel reaches them by."""

from codeact.tools.function import FunctionTool, tool

__all__ = ["FunctionTool", "tool"]
