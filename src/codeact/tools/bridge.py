"""The tool bridge: kernel-side stubs that call host-side tools over the Jupyter stdin channel.

A stub calls `input(PREFIX + request)`. The kernel sends that as an `input_request`; the host
answers with an `input_reply` holding the JSON result. This rides on a channel every Jupyter
kernel has (local, sandboxed over IPC, remote gateway over WebSocket), and carries only JSON:
nothing that comes out of the kernel is ever unpickled. Tool state never enters the kernel.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from codeact.contracts import Tool

PREFIX = "\x00codeact-tool\x00"
EOF_REPLY = "\x04"  # ipykernel turns this input_reply into EOFError


def stub_source(tools: Sequence[Tool]) -> str:
    """Python source that defines one stub per tool in the kernel."""
    lines = [
        "import builtins as _cb_builtins, json as _cb_json",
        "class ToolError(Exception):",
        "    '''A tool raised on the host; the message says what went wrong.'''",
        "def _codeact_tool_call(_name, _args, _kwargs):",
        "    __tracebackhide__ = True",
        "    _req = _cb_json.dumps({'tool': _name, 'args': list(_args), 'kwargs': _kwargs})",
        f"    _raw = _cb_builtins.input({PREFIX!r} + _req)",
        "    _rep = _cb_json.loads(_raw)",
        "    if not _rep['ok']:",
        "        raise ToolError(_rep['error']) from None",
        "    return _rep['value']",
    ]
    for t in tools:
        lines += [
            f"def {t.name}(*args, **kwargs):",
            "    __tracebackhide__ = True",
            f"    return _codeact_tool_call({t.name!r}, args, kwargs)",
            f"{t.name}.__doc__ = {(t.signature + chr(10) + chr(10) + t.doc)!r}",
        ]
    source = "\n".join(lines) + "\n"
    # Compiled under a pseudo file name, so tracebacks show one short frame, not the stub's code.
    return f"exec(compile({source!r}, '<codeact tools>', 'exec'))"


def is_tool_request(prompt: str) -> bool:
    return prompt.startswith(PREFIX)


def answer(prompt: str, tools: dict[str, Tool]) -> str:
    """Run the tool call encoded in `prompt` on the host; return the JSON reply for the kernel."""
    try:
        request = json.loads(prompt[len(PREFIX) :])
        name = request["tool"]
        args, kwargs = request["args"], request["kwargs"]
    except (ValueError, KeyError, TypeError) as exc:
        return _error(f"malformed tool request: {exc}")
    if name not in tools:
        return _error(f"unknown tool {name!r}; available: {', '.join(sorted(tools))}")
    try:
        value = tools[name](*args, **kwargs)
    except Exception as exc:  # a tool that raises becomes an error in the caller's code
        return _error(f"{type(exc).__name__}: {exc}")
    return json.dumps({"ok": True, "value": value}, default=str)


def _error(message: str) -> str:
    return json.dumps({"ok": False, "error": message})
