"""What the web page shows of an event: the stream with `?view=ui` sends these instead.

The page never turns text into HTML itself. Whatever the model or the code wrote arrives either
as plain text (which the page inserts as text) or as HTML rendered here by `markup` (markdown
without raw HTML, code through Pygments). The trajectory's raw messages are left out, except the
model's own words, which come as `html`: the text before its action, rendered, and nothing for a
plain reply (the `run` event carries it as the answer). The rest:

    input    {text}                 notice   {text}              error    {message}
    code     {code, html}           run      {status, answer, html}
    step     {turn, action, output, error: {name, value}, images, notices, format_error, seconds,
              model, tokens}
    token    {text}  output {text}  (live, unchanged)
"""

from __future__ import annotations

from typing import Any

from codeact.actions.code import CodeFormat
from codeact.errors import FormatError
from codeact.server.markup import highlight_code, render_markdown
from codeact.server.render import thought_of
from codeact.types import Reply, strip_ansi, truncate_middle

MAX_SHOWN = 100_000  # characters of one output shown; the trajectory export keeps all of it
_FORMAT = CodeFormat()  # the format the server runs


def ui_event(event: dict[str, Any]) -> dict[str, Any] | None:
    """The page's view of `event` ({"id", "type", "data", ...}), or None if it shows nothing."""
    view = _VIEWS.get(event["type"], _unchanged)(event["data"])
    return None if view is None else {**event, "data": view}


def _unchanged(data: dict[str, Any]) -> dict[str, Any]:
    return data


def _message(data: dict[str, Any]) -> dict[str, Any] | None:
    if data.get("kind") != "assistant":
        return None  # the system prompt, the task as the model saw it, observations
    content = str(data.get("content", ""))
    return {
        "kind": "assistant",
        "html": "" if _is_reply(content) else render_markdown(thought_of(content)),
    }


def _is_reply(content: str) -> bool:
    """A plain reply is shown once, as the turn's answer."""
    try:
        return isinstance(_FORMAT.parse(content), Reply)
    except FormatError:
        return False


def _code(data: dict[str, Any]) -> dict[str, Any]:
    return {"code": data["code"], "html": highlight_code(data["code"])}


def _step(data: dict[str, Any]) -> dict[str, Any]:
    observation = data.get("observation") or {}
    error = observation.get("error")
    completion = data.get("completion") or {}
    usage = completion.get("usage") or {}
    return {
        "turn": data.get("turn"),
        "action": (data.get("action") or {}).get("type"),
        "output": _shown(observation.get("output", "")),
        # the traceback is not repeated: the output has it, where it was printed
        "error": error and {"name": error.get("name", ""), "value": _shown(error.get("value", ""))},
        "images": list(observation.get("images", [])),
        "notices": list(observation.get("notices", [])),
        "format_error": data.get("format_error"),
        "seconds": data.get("step_seconds"),
        "model": completion.get("model", ""),
        "tokens": usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0),
    }


def _run(data: dict[str, Any]) -> dict[str, Any]:
    answer = data.get("answer")
    return {**data, "html": render_markdown(answer) if answer else ""}


def _shown(text: str) -> str:
    return truncate_middle(strip_ansi(text), MAX_SHOWN)


_VIEWS = {"message": _message, "code": _code, "step": _step, "run": _run}
