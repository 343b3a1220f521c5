import subprocess
import sys

import codeact


def test_public_surface_is_pinned() -> None:
    assert codeact.__all__ == [
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
    for name in codeact.__all__:
        assert getattr(codeact, name) is not None


def test_import_is_lazy() -> None:
    code = "import sys, codeact; print(sorted(m for m in ('jupyter_client', 'openai', 'llama_cpp', 'rich') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
