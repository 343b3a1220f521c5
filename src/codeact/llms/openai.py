"""`openai:MODEL`: any OpenAI-compatible chat-completions server through the official SDK.

Works with vLLM, SGLang, llama.cpp server, Ollama, OpenAI, Together, OpenRouter. The base URL
and key come from options or from OPENAI_BASE_URL / OPENAI_API_KEY. Retries with exponential
backoff on 429 and 5xx (done by the SDK: `max_retries`); token usage is recorded, streamed or not.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from typing import Any

from codeact.contracts import TokenCallback
from codeact.errors import LLMError, MissingDependency
from codeact.types import Completion, Message, Usage


class OpenAILLM:
    def __init__(
        self,
        model: str = "gpt-4o-mini",
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        temperature: float = 0.0,
        max_tokens: int = 1024,
        max_retries: int = 5,
        timeout: float = 600.0,
        extra_body: dict[str, Any] | None = None,
    ) -> None:
        try:
            import openai
        except ImportError as exc:
            raise MissingDependency("openai", "openai", "the openai: backend") from exc
        self._openai = openai
        self.model = model
        self.name = f"openai:{model}"
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.extra_body = extra_body or {}
        self.client = openai.OpenAI(
            base_url=base_url or os.environ.get("OPENAI_BASE_URL"),
            # local servers accept any key; the SDK refuses to start without one
            api_key=api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
            max_retries=max_retries,
            timeout=timeout,
        )

    def complete(
        self,
        messages: Sequence[Message],
        *,
        stop: Sequence[str] | None = None,
        stream: TokenCallback | None = None,
    ) -> Completion:
        started = time.perf_counter()
        request: dict[str, Any] = {
            "model": self.model,
            "messages": [m.to_dict() for m in messages],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "extra_body": self.extra_body,
        }
        if stop:
            request["stop"] = list(stop)[:4]  # the OpenAI API takes at most four
        try:
            if stream is None:
                completion = self._complete_once(request)
            else:
                completion = self._complete_streaming(request, stream)
        except self._openai.OpenAIError as exc:
            raise LLMError(f"{self.name}: {type(exc).__name__}: {exc}") from exc
        completion.seconds = time.perf_counter() - started
        return completion

    def _complete_once(self, request: dict[str, Any]) -> Completion:
        resp = self.client.chat.completions.create(**request)
        if not resp.choices:
            raise LLMError(f"{self.name}: the server returned no choices")
        choice = resp.choices[0]
        usage = (
            Usage(resp.usage.prompt_tokens, resp.usage.completion_tokens) if resp.usage else Usage()
        )
        return Completion(
            choice.message.content or "", usage, 0.0, choice.finish_reason or "stop", resp.model
        )

    def _complete_streaming(self, request: dict[str, Any], on_text: TokenCallback) -> Completion:
        chunks: list[str] = []
        usage, reason, model = None, "stop", self.model
        events = self.client.chat.completions.create(
            **request, stream=True, stream_options={"include_usage": True}
        )
        for event in events:
            model = event.model or model
            if event.usage:
                usage = Usage(event.usage.prompt_tokens, event.usage.completion_tokens)
            if not event.choices:
                continue
            delta = event.choices[0].delta.content or ""
            if delta:
                chunks.append(delta)
                on_text(delta)
            reason = event.choices[0].finish_reason or reason
        if usage is None:  # some servers (llama.cpp's) send no usage when streaming
            usage = _estimate_usage(request["messages"], len(chunks))
        return Completion("".join(chunks), usage, 0.0, reason, model)


def _estimate_usage(messages: list[dict[str, str]], chunks: int) -> Usage:
    """About one token per streamed chunk, and four characters per prompt token."""
    prompt_chars = sum(len(m["content"]) for m in messages)
    return Usage(prompt_chars // 4, chunks, estimated=True)
