"""Tools: typed host-side functions offered to the agent, and the bridge the kernel reaches them by."""

from codeact.tools.function import FunctionTool, tool
from codeact.tools.schema import SchemaTool, schema_tool

__all__ = ["FunctionTool", "SchemaTool", "schema_tool", "tool"]
