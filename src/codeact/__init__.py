"""codeact: LLM agents that act by writing and running Python (CodeAct, Wang et al., 2024).

    from codeact import Agent
    with Agent(llm="openai:gpt-4o", kernel="local") as agent:
        print(agent.run("What is the 20th Fibonacci number?").answer)

The public surface is small and stable; everything else is importable from its module.
Attributes load lazily so that `import codeact` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Agent": "codeact.agent",
    "tool": "codeact.tools.function",
    "get_llm": "codeact.llms",
    "get_kernel": "codeact.kernels",
    "Message": "codeact.types",
    "Completion": "codeact.types",
    "Usage": "codeact.types",
    "CodeAction": "codeact.types",
    "ToolCall": "codeact.types",
    "Finish": "codeact.types",
    "Reply": "codeact.types",
    "Observation": "codeact.types",
    "Step": "codeact.types",
    "Trajectory": "codeact.types",
}

__all__ = [
    "Agent",
    "CodeAction",
    "Completion",
    "Finish",
    "Message",
    "Observation",
    "Reply",
    "Step",
    "ToolCall",
    "Trajectory",
    "Usage",
    "__version__",
    "get_kernel",
    "get_llm",
    "tool",
]

if TYPE_CHECKING:
    from codeact.agent import Agent
    from codeact.kernels import get_kernel
    from codeact.llms import get_llm
    from codeact.tools.function import tool
    from codeact.types import (
        CodeAction,
        Completion,
        Finish,
        Message,
        Observation,
        Reply,
        Step,
        ToolCall,
        Trajectory,
        Usage,
    )


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'codeact' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value
