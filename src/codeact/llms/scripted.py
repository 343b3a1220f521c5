"""`scripted`: a deterministic LLM double that replies from a list or a function.

    ScriptedLLM(["<execute>print(1)</execute>", "<solution>1</solution>"])
    ScriptedLLM(lambda messages: "<solution>done</solution>")
    ScriptedLLM([Message("assistant", "", [ToolRequest("call_1", "add", '{"a": 1}')]), "<solution>2</solution>"])

Ships in the package so tests and demos run with no model. It honours stop sequences like a
real backend (the text after the first stop string is cut off), streams a reply word by word, and
counts tokens as whitespace-separated words. `scripted:FILE.json` loads the replies from a JSON
file: a list of replies, or an object

    {"replies": [...], "tasks": {"TASK-ID": [...], ...}, "delay": 0.05}

A reply may also be an assistant `Message` carrying native function calls (the `tools` format),
written in a file as `{"content": "...", "tool_calls": [{"name": "add", "arguments": {"a": 1}}]}`
(arguments as an object, or as raw text to test malformed ones); the `tools=` the agent sends
are recorded in `tools_seen`. `tasks` gives each benchmark task its own replies (`task=` picks them; `replies` serve the
tasks not listed) and `delay` is the pause in seconds before each streamed word, as a slow model.
`scripted:module:function` uses a responder function instead, e.g. `runs_task_code` below.
The benchmark builds one per episode (`per_episode`), since replies are consumed, and passes
`episode=`, whose task picks the replies. Replies are replayed whole: `max_tokens` is accepted
(the backend contract) and has no effect.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from codeact.contracts import TokenCallback
from codeact.errors import ConfigError, LLMError
from codeact.registry import load_object
from codeact.types import Completion, Message, ToolRequest, Usage

if TYPE_CHECKING:
    from codeact.bench.episode import Episode

ScriptedReply = str | Message  # text, or an assistant message with native function calls
Responder = Callable[[Sequence[Message]], ScriptedReply]


_WORDS = re.compile(r"\s*\S+\s*|\s+")


class ScriptedLLM:
    per_episode: ClassVar[bool] = True

    def __init__(
        self,
        replies: str | Sequence[ScriptedReply] | Responder = (),
        *,
        name: str = "scripted",
        task: str | None = None,
        delay: float = 0.0,
        episode: Episode | None = None,
        max_tokens: int | None = None,
    ) -> None:
        if episode is not None:
            task = episode.task.id
        if isinstance(replies, str) and _is_import_path(replies):
            replies = _load_responder(replies)
        elif isinstance(replies, str):
            replies, delay = _load_replies(replies, task, delay)
        self.name = name
        self.delay = delay
        self._responder = replies if callable(replies) else None
        self._replies = list(replies) if not callable(replies) else []
        self.calls: list[list[Message]] = []
        self.tools_seen: list[list[dict[str, Any]] | None] = []

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: TokenCallback | None = None,
        tools: Sequence[dict[str, Any]] | None = None,
    ) -> Completion:
        started = time.perf_counter()
        self.calls.append(list(messages))
        self.tools_seen.append(list(tools) if tools is not None else None)
        reply = self._next_reply(messages)
        calls = list(reply.tool_calls) if isinstance(reply, Message) else []
        text = reply.content if isinstance(reply, Message) else reply
        text, reason = cut_at_stop(text, stop)
        reason = "tool_calls" if calls else reason
        if stream is not None:
            for word in _WORDS.findall(text):
                time.sleep(self.delay)
                stream(word)
        prompt_tokens = sum(len(m.content.split()) for m in messages)
        usage = Usage(prompt_tokens, len(text.split()))
        seconds = time.perf_counter() - started
        return Completion(text, usage, seconds, reason, self.name, calls)

    def _next_reply(self, messages: Sequence[Message]) -> ScriptedReply:
        if self._responder is not None:
            return self._responder(messages)
        if len(self.calls) > len(self._replies):
            raise LLMError(f"scripted LLM ran out of replies after {len(self._replies)}")
        return self._replies[len(self.calls) - 1]


def cut_at_stop(text: str, stop: Sequence[str] | None) -> tuple[str, str]:
    """Cut `text` before the earliest stop string, as servers do. Returns (text, finish_reason)."""
    cuts = [i for s in stop or () if (i := text.find(s)) >= 0]
    return (text[: min(cuts)], "stop") if cuts else (text, "stop")


def _load_replies(path: str, task: str | None, delay: float) -> tuple[list[ScriptedReply], float]:
    """The replies in a scripted file for `task` (see the module docstring), and the delay."""
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"scripted replies file {path!r}: {exc}") from exc
    if isinstance(data, list):
        data = {"replies": data}
    if not isinstance(data, dict):
        raise ConfigError(f"scripted replies file {path!r} must hold a JSON list or object")
    per_task = data.get("tasks", {})
    replies = per_task.get(task) if isinstance(per_task, dict) and task in per_task else None
    if replies is None:
        replies = data.get("replies")
    if replies is None:
        raise ConfigError(f"scripted replies file {path!r} has no replies for task {task!r}")
    if not isinstance(replies, list):
        raise ConfigError(f"scripted replies file {path!r}: replies must be lists")
    pause = data.get("delay", delay)
    if not isinstance(pause, int | float) or pause < 0:
        raise ConfigError(f"scripted replies file {path!r}: delay must be a number >= 0")
    return [_reply_from_json(r, path) for r in replies], float(pause)


def _reply_from_json(item: Any, path: str) -> ScriptedReply:
    """A reply in a file: a string, or {"content", "tool_calls": [{"name", "arguments"}]}."""
    if isinstance(item, str):
        return item
    calls = item.get("tool_calls") if isinstance(item, dict) else None
    if not isinstance(calls, list) or not all(isinstance(c, dict) and "name" in c for c in calls):
        raise ConfigError(
            f"scripted replies file {path!r}: a reply is a string or an object "
            '{"content": ..., "tool_calls": [{"name": ..., "arguments": {...}}]}'
        )
    requests = []
    for n, call in enumerate(calls, 1):
        arguments = call.get("arguments", {})
        text = arguments if isinstance(arguments, str) else json.dumps(arguments)
        requests.append(ToolRequest(str(call.get("id", f"call_{n}")), str(call["name"]), text))
    return Message("assistant", str(item.get("content", "")), requests)


def _is_import_path(spec: str) -> bool:
    return not spec.endswith(".json") and ":" in spec and not Path(spec).exists()


def _load_responder(spec: str) -> Responder:
    responder = load_object(spec)
    if not callable(responder):
        raise ConfigError(f"scripted responder {spec!r} is not a function")
    return responder  # type: ignore[no-any-return]


_TASK_CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)


def runs_task_code(messages: Sequence[Message]) -> str:
    """A reactive responder: runs the ```python blocks of the latest task, one per turn, then
    answers with the last observation; a task with no code gets a plain reply. Stateless, so one
    instance serves any number of conversations (servers, benchmarks)."""
    last_task = max(
        (
            i
            for i, m in enumerate(messages)
            if m.role == "user" and not m.content.startswith("Observation:")
        ),
        default=0,
    )
    blocks = _TASK_CODE.findall(messages[last_task].content)
    done = sum(m.role == "assistant" for m in messages[last_task:])
    if done < len(blocks):
        return f"Step {done + 1}.\n<execute>\n{blocks[done]}</execute>"
    if blocks:
        return f"<solution>{messages[-1].content.removeprefix('Observation:').strip()}</solution>"
    return f"You said: {messages[last_task].content.strip()}"
