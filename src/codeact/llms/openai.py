"""`openai:MODEL`: any OpenAI-compatible chat-completions server through the official SDK.

Works with vLLM, SGLang, llama.cpp server, Ollama, OpenAI, Together, OpenRouter. The base URL
and key come from options or from OPENAI_BASE_URL / OPENAI_API_KEY. Retries with exponential
backoff on 429, 5xx, timeouts and dropped connections (`max_retries`), but not when nothing
listens at the URL: that is said at once, naming the URL. A 401 says which key to fix, a 404 what
to check in the URL and the model name. Token usage is recorded, streamed or not.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from codeact.contracts import TokenCallback
from codeact.errors import ConfigError, LLMError, MissingDependency
from codeact.types import Completion, Message, ToolRequest, Usage

OPENAI_URL = "https://api.openai.com/v1"
# what a streamed reply may hold in native calls (a server could stream without end); the action
# formats refuse much less, so these only bound memory and time
MAX_ARGUMENT_CHARS = 1024 * 1024  # per call
MAX_STREAMED_CALLS = 64
MAX_CALL_FIELD = 256  # characters of a call's id and name


class OpenAILLM:
    def __init__(
        self,
        model: str = "",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        temperature: float = 0.0,
        max_tokens: int = 1024,
        max_retries: int = 5,
        timeout: float = 600.0,
        extra_body: dict[str, Any] | None = None,
        tool_choice: str | dict[str, Any] = "auto",
    ) -> None:
        try:
            import openai
        except ImportError as exc:
            raise MissingDependency("openai", "openai", "the openai: backend") from exc
        self.check_model(model)
        self._openai = openai
        self.model = model
        self.name = f"openai:{model}"
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.max_retries = max_retries
        self.extra_body = extra_body or {}
        self.tool_choice = tool_choice  # sent with tools (llama.cpp's server needs it said)
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or OPENAI_URL).rstrip("/")
        key = api_key or os.environ.get("OPENAI_API_KEY")
        self.key_source = "--api-key" if api_key else "OPENAI_API_KEY" if key else None
        if key is None and self.base_url == OPENAI_URL:
            raise ConfigError(
                f"{self.name} talks to {OPENAI_URL}, which needs an API key: set OPENAI_API_KEY "
                "or pass --api-key (api_key=...); for your own server, give --base-url"
            )
        self.client = openai.OpenAI(
            base_url=self.base_url,
            # local servers accept any key; the SDK refuses to start without one
            api_key=key or "not-needed",
            max_retries=0,  # retried here, where a refused connection is told apart
            timeout=timeout,
        )

    @staticmethod
    def check_model(model: str) -> None:
        if not model:
            raise ConfigError("openai: needs a model name, e.g. openai:gpt-4o")

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: TokenCallback | None = None,
        tools: Sequence[dict[str, Any]] | None = None,
    ) -> Completion:
        """`tools`, when given, go in the request (native function calling) and the model's
        calls come back as `Completion.tool_calls`."""
        started = time.perf_counter()
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [_wire(m) for m in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "extra_body": self.extra_body,
        }
        if stop:
            request["stop"] = list(stop)[:4]  # the OpenAI API takes at most four
        if tools:
            request["tools"], request["tool_choice"] = list(tools), self.tool_choice
        for attempt in range(self.max_retries + 1):
            try:
                if stream is None:
                    completion = self._complete_once(request)
                else:
                    completion = self._complete_streaming(request, stream)
                break
            except self._openai.OpenAIError as exc:
                if attempt == self.max_retries or not self._retryable(exc):
                    raise LLMError(self._explain(exc)) from exc
                time.sleep(_backoff(attempt, exc))
        completion.seconds = time.perf_counter() - started
        return completion

    def _retryable(self, exc: Exception) -> bool:
        openai = self._openai
        if isinstance(exc, openai.APIConnectionError):
            return not _refused(exc)  # a timeout or a dropped connection may pass
        return isinstance(exc, openai.RateLimitError | openai.InternalServerError)

    def _explain(self, exc: Exception) -> str:
        """One line saying what failed and what to fix."""
        openai, url = self._openai, self.base_url
        if isinstance(exc, openai.APIConnectionError) and _refused(exc):
            return (
                f"{self.name}: nothing answers at {url} ({exc.__cause__}): is the server "
                "running? Check --base-url or OPENAI_BASE_URL"
            )
        if isinstance(exc, openai.AuthenticationError):
            given = f"the key from {self.key_source}" if self.key_source else "no key was given"
            return (
                f"{self.name}: {url} refused the API key (401 Unauthorized; {given}): "
                "set OPENAI_API_KEY or pass --api-key"
            )
        if isinstance(exc, openai.NotFoundError):
            hint = "" if url.endswith("/v1") else f"is /v1 missing from the base URL ({url}/v1)? "
            return (
                f"{self.name}: {url} answered 404 Not Found: {hint}Is {self.model!r} a model "
                f"the server serves (GET {url}/models lists them)?"
            )
        return f"{self.name}: {type(exc).__name__} from {url}: {exc}"

    def _complete_once(self, request: dict[str, Any]) -> Completion:
        resp = self.client.chat.completions.create(**request)
        if not resp.choices:
            raise LLMError(f"{self.name}: the server returned no choices")
        choice = resp.choices[0]
        usage = (
            Usage(resp.usage.prompt_tokens, resp.usage.completion_tokens) if resp.usage else Usage()
        )
        calls = [  # a server that sends no call ids still gets its answers matched
            ToolRequest(c.id or f"call_{i}", c.function.name, c.function.arguments or "")
            for i, c in enumerate(choice.message.tool_calls or [])
            if getattr(c, "function", None) is not None
        ]
        return Completion(
            choice.message.content or "", usage, 0.0, choice.finish_reason or "stop", resp.model,
            calls,
        )  # fmt: skip

    def _complete_streaming(self, request: dict[str, Any], on_text: TokenCallback) -> Completion:
        chunks: list[str] = []
        calls: dict[int, _StreamedCall] = {}
        usage, reason, model = None, "stop", self.model
        events = self.client.chat.completions.create(
            **request, stream=True, stream_options={"include_usage": True}
        )
        with events:  # closed also when the callback raises (an interrupt stops generation)
            for event in events:
                model = event.model or model
                if event.usage:
                    usage = Usage(event.usage.prompt_tokens, event.usage.completion_tokens)
                if not event.choices:
                    continue
                delta = event.choices[0].delta
                if delta.content:
                    chunks.append(delta.content)
                    on_text(delta.content)
                for part in delta.tool_calls or []:
                    _add_call_part(calls, part)
                reason = event.choices[0].finish_reason or reason
        if usage is None:  # some servers (llama.cpp's) send no usage when streaming
            usage = _estimate_usage(request["messages"], len(chunks))
        requests = [
            ToolRequest(calls[i].id or f"call_{i}", calls[i].name, "".join(calls[i].pieces))
            for i in sorted(calls)
        ]
        return Completion("".join(chunks), usage, 0.0, reason, model, requests)


def _wire(message: Message) -> dict[str, Any]:
    """A message as the chat-completions API takes it (native calls in its own shape)."""
    data: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        data["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in message.tool_calls
        ]
    if message.role == "tool":
        data["tool_call_id"] = message.tool_call_id
    return data


@dataclass
class _StreamedCall:
    id: str = ""
    name: str = ""
    pieces: list[str] = field(default_factory=list)  # joined once: `+=` per piece is quadratic
    size: int = 0


def _add_call_part(calls: dict[int, _StreamedCall], part: Any) -> None:
    """Fold one streamed piece of a tool call in: the id and name come once (some servers repeat
    them in every piece), the arguments in pieces, kept only up to one past the format's limit
    (the format then refuses the call) so that a server streaming without end costs no memory.
    At most MAX_STREAMED_CALLS calls are kept."""
    index = part.index or 0
    if index not in calls and len(calls) >= MAX_STREAMED_CALLS:
        return
    entry = calls.setdefault(index, _StreamedCall())
    entry.id = entry.id or str(part.id or "")[:MAX_CALL_FIELD]
    if part.function is not None:
        entry.name = entry.name or str(part.function.name or "")[:MAX_CALL_FIELD]
        piece = str(part.function.arguments or "")[: MAX_ARGUMENT_CHARS + 1 - entry.size]
        if piece:
            entry.pieces.append(piece)
            entry.size += len(piece)


def _refused(exc: Exception) -> bool:
    """Nothing listens at the address (or the name does not resolve): retrying will not help.
    The SDK's HTTP client raises its ConnectError only when no connection was made."""
    return type(exc.__cause__).__name__ == "ConnectError"


def _backoff(attempt: int, exc: Exception) -> float:
    """Seconds to wait: the server's Retry-After when it sends one, else exponential."""
    response = getattr(exc, "response", None)
    after = response.headers.get("retry-after") if response is not None else None
    try:
        return min(30.0, float(after)) if after else min(8.0, 0.5 * 2.0**attempt)
    except ValueError:
        return min(8.0, 0.5 * 2.0**attempt)


def _estimate_usage(messages: list[dict[str, Any]], chunks: int) -> Usage:
    """About one token per streamed chunk, and four characters per prompt token."""
    prompt_chars = sum(len(m["content"]) for m in messages)
    return Usage(prompt_chars // 4, chunks, estimated=True)
