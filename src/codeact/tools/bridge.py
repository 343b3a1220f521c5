"""The tool bridge: kernel-side stubs that call host-side tools over the Jupyter stdin channel.

A stub calls `input(PREFIX + request)`. The kernel sends that as an `input_request`; the host
answers with an `input_reply` holding the JSON result. This rides on a channel every Jupyter
kernel has (local, sandboxed over IPC, remote gateway over WebSocket), and carries only JSON:
nothing that comes out of the kernel is ever unpickled. Tool state never enters the kernel.

The request is written by code the host does not trust, so `answer` bounds it before parsing
(MAX_REQUEST_BYTES, the parser's depth), checks its shape, and answers every request, malformed
or not, with a reply: the kernel is never left waiting. Results cross as explicit JSON values
(tools/values.py), never as a repr.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from codeact.contracts import Tool
from codeact.tools.function import describe_failure
from codeact.tools.values import to_json_value

PREFIX = "\x00codeact-tool\x00"
EOF_REPLY = "\x04"  # ipykernel turns this input_reply into EOFError
MAX_REQUEST_BYTES = 1024 * 1024


def stub_source(tools: Sequence[Tool]) -> str:
    """Python source that defines one stub per tool in the kernel."""
    lines = [
        "import builtins as _cb_builtins, json as _cb_json",
        "class ToolError(Exception):",
        "    '''A tool raised on the host; the message says what went wrong.'''",
        "def _codeact_tool_call(_name, _args, _kwargs):",
        "    __tracebackhide__ = True",
        "    _req = _cb_json.dumps({'tool': _name, 'args': list(_args), 'kwargs': _kwargs})",
        f"    if len(_req) > {MAX_REQUEST_BYTES}:",
        f"        raise ToolError(f'the arguments are too large ({{len(_req)}} bytes; the limit is {MAX_REQUEST_BYTES})')",
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
    """Run the tool call encoded in `prompt` on the host; return the JSON reply for the kernel.
    Never raises: whatever the request, the kernel gets a reply."""
    try:
        name, args, kwargs = _parse(prompt[len(PREFIX) :])
    except _Malformed as exc:
        return _error(f"malformed tool request: {exc}")
    if name not in tools:
        return _error(f"unknown tool {name!r}; available: {', '.join(sorted(tools))}")
    try:
        value = to_json_value(tools[name](*args, **kwargs))
        return json.dumps({"ok": True, "value": value})
    except Exception as exc:  # a tool that raises becomes an error in the caller's code
        return _error(": ".join(describe_failure(tools[name], exc)))


class _Malformed(ValueError):
    pass


def _parse(text: str) -> tuple[str, list[Any], dict[str, Any]]:
    if len(text) > MAX_REQUEST_BYTES:
        raise _Malformed(f"{len(text)} characters; the limit is {MAX_REQUEST_BYTES}")
    try:
        request = json.loads(text)
    except RecursionError:
        raise _Malformed("nested too deeply") from None
    except ValueError as exc:
        raise _Malformed(str(exc)) from None
    if not isinstance(request, dict):
        raise _Malformed("not a JSON object")
    name, args, kwargs = request.get("tool"), request.get("args", []), request.get("kwargs", {})
    if not isinstance(name, str):
        raise _Malformed("the tool name is not a string")
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        raise _Malformed("args must be a list and kwargs an object")
    return name, args, kwargs


def _error(message: str) -> str:
    return json.dumps({"ok": False, "error": message[:4000]})
