"""An OpenAI-compatible endpoint where the model is the agent: `POST /v1/chat/completions`
(streamed or not) and `GET /v1/models`. Any OpenAI client or chat UI can use codeact as a model.

Which conversation a request continues, in this order:
1. the `X-Codeact-Conversation` header: that conversation (yours, else 404);
2. the `user` field: one conversation per distinct value (made on first use);
3. the message history: the conversation whose earlier reply this history ends with (clients
   send the whole history each time); an unknown history starts a new conversation, with the
   earlier messages given to the model as context.
Only the last user message is new input: the agent keeps its own state (kernel, messages). The
reply shows each code step as markdown (the code, its output, plots inline as images), then the
answer. The conversation's id comes back in the `X-Codeact-Conversation` header.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from codeact.server.auth import User, current_user
from codeact.server.events import follow
from codeact.server.render import observation_of, read_image, thought_of
from codeact.server.store import ConversationInfo

router = APIRouter(prefix="/v1")
MODEL_ID = "codeact"
HEADER = "X-Codeact-Conversation"
INLINE_IMAGE_BYTES = 512 * 1024


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens, ...: the agent decides
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = None


@router.get("/models")
def models(user: Annotated[User, Depends(current_user)]) -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "codeact"}],
    }


@router.post("/chat/completions", response_model=None)
async def chat_completions(
    request: Request,
    body: ChatRequest,
    user: Annotated[User, Depends(current_user)],
    conversation_header: Annotated[str | None, Header(alias=HEADER)] = None,
) -> StreamingResponse | JSONResponse:
    service = request.app.state.service
    history = [(m.role, _text(m.content)) for m in body.messages if m.role in ("user", "assistant")]
    if not history or history[-1][0] != "user":
        raise HTTPException(400, "the last message must be a user message")
    info, task = await run_in_threadpool(_thread, service, user, body, history, conversation_header)
    ack = await run_in_threadpool(service.sessions.submit, info, task)
    reply = _Reply(service, info, history, body.model, ack.id)
    headers = {HEADER: info.id}
    if body.stream:
        return StreamingResponse(reply.chunks(), media_type="text/event-stream", headers=headers)
    content = "".join([piece async for piece in reply.pieces()])
    completion = reply.envelope("chat.completion")
    completion["choices"] = [
        {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
    ]
    completion["usage"] = reply.usage
    return JSONResponse(completion, headers=headers)


def _thread(
    service: Any,
    user: User,
    body: ChatRequest,
    history: list[tuple[str, str]],
    explicit: str | None,
) -> tuple[ConversationInfo, str]:
    """The conversation this request continues, and the text to send to it."""
    store, task = service.store, history[-1][1]
    if explicit:
        info = store.conversation(user.id, explicit)
        if info is None:
            raise HTTPException(404, f"no conversation {explicit!r}")
        return info, task
    key = "user:" + _digest(body.user) if body.user else "history:" + _digest(_canon(history[:-1]))
    found = store.thread(user.id, key)
    info = store.conversation(user.id, found) if found else None
    if info is None:
        meta = {
            "llm": service.sessions.llm.name,
            "kernel": service.config.kernel,
            "format": "code",
            "via": "openai",
        }
        info = store.create_conversation(user.id, task[:60] or "chat", "", meta)
        store.set_thread(user.id, key, info.id)
        if len(history) > 1 and not body.user:
            earlier = "\n".join(f"{role}: {text}" for role, text in history[:-1])
            task = f"Earlier in this chat:\n{earlier}\n\nNow: {task}"
    return info, task


class _Reply:
    """One run's events turned into the reply's markdown pieces, as they come."""

    def __init__(
        self,
        service: Any,
        info: ConversationInfo,
        history: list[tuple[str, str]],
        model: str,
        after: int,
    ) -> None:
        self.service, self.info, self.history, self.model, self.after = (
            service,
            info,
            history,
            model,
            after,
        )
        self.id = f"chatcmpl-{after}"
        self.created = int(time.time())
        self.usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        self._assistant = ""
        self._workspace: Path | None = None

    async def pieces(self) -> AsyncIterator[str]:
        reply = []
        async for event in follow(self.service.store, self.service.bus, self.info.id, self.after):
            piece = await run_in_threadpool(self._render, event)
            if piece:
                reply.append(piece)
                yield piece
            if event["type"] == "run":
                break
        # remember where this history leads, so that the client's next request continues here
        key = "history:" + _digest(_canon([*self.history, ("assistant", "".join(reply))]))
        await run_in_threadpool(self.service.store.set_thread, self.info.owner, key, self.info.id)

    async def chunks(self) -> AsyncIterator[str]:
        yield _sse(self._chunk({"role": "assistant", "content": ""}))
        async for piece in self.pieces():
            yield _sse(self._chunk({"content": piece}))
        yield _sse(self._chunk({}, "stop"))
        yield "data: [DONE]\n\n"

    def envelope(self, kind: str) -> dict[str, Any]:
        return {"id": self.id, "object": kind, "created": self.created, "model": self.model}

    def _chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **self.envelope("chat.completion.chunk"),
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    def _render(self, event: dict[str, Any]) -> str:
        kind, data = event["type"], event["data"]
        if kind == "message" and data["role"] == "assistant":
            self._assistant = data["content"]
        elif kind == "step":
            self._count(data)
            return self._step(data)
        elif kind == "notice":
            return f"> {data['text']}\n\n"
        elif kind == "error":
            return f"**Error:** {data['message']}\n\n"
        elif kind == "run":
            return _ending(data)
        return ""

    def _step(self, step: dict[str, Any]) -> str:
        action = step.get("action") or {}
        if action.get("type") != "CodeAction":
            return ""
        thought = thought_of(self._assistant)
        parts = [thought] if thought else []
        parts.append(f"```python\n{action['code']}\n```")
        observation = observation_of(step.get("observation"))
        if observation is not None:
            parts.append(f"```text\n{observation}\n```")
            parts += [self._image(path) for path in observation.images]
        return "\n\n".join(parts) + "\n\n"

    def _image(self, path: str) -> str:
        if self._workspace is None:
            self._workspace = self.service.sessions.workspace(self.info)
        data = read_image(self._workspace, path)
        if data is None or len(data) > INLINE_IMAGE_BYTES:
            return f"*(image: `{path}` in the workspace)*"
        return f"![{path}](data:image/png;base64,{base64.b64encode(data).decode()})"

    def _count(self, step: dict[str, Any]) -> None:
        usage = step["completion"]["usage"]
        self.usage["prompt_tokens"] += usage["prompt_tokens"]
        self.usage["completion_tokens"] += usage["completion_tokens"]
        self.usage["total_tokens"] = self.usage["prompt_tokens"] + self.usage["completion_tokens"]


def _ending(run: dict[str, Any]) -> str:
    if run["status"] in ("finished", "replied") and run.get("answer"):
        return str(run["answer"])
    return f"*(the agent stopped: {run['status']})*"


def _text(content: str | list[dict[str, Any]] | None) -> str:
    if isinstance(content, list):  # content parts: only the text ones matter here
        return "".join(str(p.get("text", "")) for p in content if p.get("type") == "text")
    return content or ""


def _canon(history: list[tuple[str, str]]) -> str:
    return json.dumps([[role, text.strip()] for role, text in history], ensure_ascii=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:64]


def _sse(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"
