"""The REST + SSE API under /api, made to be used directly by a web page.

Auth is a header (`Authorization: Bearer TOKEN`), errors are JSON, and the live stream is SSE
that resumes from the `Last-Event-ID` header (or `?after=ID`) after a reconnect. Events are
described in `events.py`; a page renders `input`, `notice`, `token`, `code`, `output`, `step`,
`run` and `error`, and can ignore `message` (the trajectory's raw text).
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from codeact.server.auth import User, current_user
from codeact.server.events import View, as_stored, follow, trajectory_of
from codeact.server.notebook import notebook_json, trajectory_notebook
from codeact.server.store import ConversationInfo
from codeact.server.view import ui_event
from codeact.server.workspace import FileTooLarge, Workspace

router = APIRouter(prefix="/api")
CurrentUser = Annotated[User, Depends(current_user)]
# what a download may be served as; anything else (HTML, SVG, ...) is a download, never a page
SAFE_TYPES = {
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "text/csv",
    "application/json",
}
MAX_TEXT = 200_000
# how events are sent: as stored, or as the web page shows them
VIEWS: dict[str, View] = {"raw": as_stored, "ui": ui_event}
ViewParam = Annotated[Literal["raw", "ui"], Query()]


class NewConversation(BaseModel):
    title: str | None = Field(None, max_length=500)


class Settings(BaseModel):
    llm: str | None = Field(None, max_length=500)
    max_turns: int | None = Field(None, ge=1)


class Update(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=500)
    settings: Settings | None = None


class NewMessage(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT)


def _service(request: Request) -> Any:
    return request.app.state.service


def _conversation(request: Request, user: User, conversation_id: str) -> ConversationInfo:
    info: ConversationInfo | None = _service(request).store.conversation(user.id, conversation_id)
    if info is None:  # someone else's conversation is as unknown as a made-up id
        raise HTTPException(404, f"no conversation {conversation_id!r}")
    return info


def _view(request: Request, info: ConversationInfo) -> dict[str, Any]:
    return {**info.to_dict(), "live": _service(request).sessions.is_live(info.id)}


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    return {**_service(request).sessions.health(), "auth": _service(request).auth.required}


@router.get("/me")
def me(user: CurrentUser) -> dict[str, str]:
    return {"id": user.id, "name": user.name}


@router.get("/settings")
def settings(request: Request, user: CurrentUser) -> dict[str, Any]:
    """What a conversation's settings may choose (`llms`) and the defaults."""
    options: dict[str, Any] = _service(request).sessions.options()
    return options


@router.post("/conversations", status_code=201)
def create(
    request: Request, user: CurrentUser, body: NewConversation | None = None
) -> dict[str, Any]:
    service = _service(request)
    meta = {"llm": service.sessions.llm.name, "kernel": service.config.kernel, "format": "code"}
    info = service.store.create_conversation(
        user.id, (body and body.title) or "New conversation", "", meta
    )
    return _view(request, info)


@router.get("/conversations")
def list_conversations(
    request: Request,
    user: CurrentUser,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    q: Annotated[str, Query(max_length=500)] = "",
) -> dict[str, Any]:
    """Newest first; `q` keeps those whose title contains it."""
    infos = _service(request).store.conversations(user.id, limit, q.strip())
    return {"conversations": [_view(request, info) for info in infos]}


@router.get("/conversations/{conversation_id}")
def get(request: Request, user: CurrentUser, conversation_id: str) -> dict[str, Any]:
    return _view(request, _conversation(request, user, conversation_id))


@router.patch("/conversations/{conversation_id}")
def update(
    request: Request, user: CurrentUser, conversation_id: str, body: Update
) -> dict[str, Any]:
    """Rename (`title`) and/or change `settings` (`llm`, `max_turns`), from the next message on."""
    if body.title is None and body.settings is None:
        raise HTTPException(422, "give a title, settings or both")
    service = _service(request)
    settings = body.settings.model_dump(exclude_none=True) if body.settings else None
    if settings:
        service.sessions.check_settings(settings)
    info = service.store.update(user.id, conversation_id, body.title, settings)
    if info is None:
        raise HTTPException(404, f"no conversation {conversation_id!r}")
    return _view(request, info)


@router.delete("/conversations/{conversation_id}", status_code=204)
def delete(request: Request, user: CurrentUser, conversation_id: str) -> Response:
    info = _conversation(request, user, conversation_id)
    service = _service(request)
    service.sessions.forget(info)
    service.store.delete(user.id, info.id)
    return Response(status_code=204)


@router.post("/conversations/{conversation_id}/messages", status_code=202)
def post_message(
    request: Request, user: CurrentUser, conversation_id: str, body: NewMessage
) -> dict[str, Any]:
    """Stored before this answers (the message is safe from then on); the turn runs after."""
    info = _conversation(request, user, conversation_id)
    if not body.text.strip():
        raise HTTPException(422, "text: the message is empty")
    record = _service(request).sessions.submit(info, body.text)
    return {"event": record.to_dict(), "conversation": info.id}


@router.post("/conversations/{conversation_id}/stop")
def stop(request: Request, user: CurrentUser, conversation_id: str) -> dict[str, bool]:
    info = _conversation(request, user, conversation_id)
    return {"stopped": _service(request).sessions.stop(info.id)}


@router.get("/conversations/{conversation_id}/events")
def events(
    request: Request,
    user: CurrentUser,
    conversation_id: str,
    after: Annotated[int, Query(ge=0)] = 0,
    view: ViewParam = "raw",
) -> dict[str, Any]:
    info = _conversation(request, user, conversation_id)
    shown = VIEWS[view]
    records = _service(request).store.events(info.id, after)
    return {"events": [e for r in records if (e := shown(r.to_dict())) is not None]}


@router.get("/conversations/{conversation_id}/stream")
async def stream(
    request: Request,
    user: CurrentUser,
    conversation_id: str,
    after: Annotated[int | None, Query(ge=0)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
    view: ViewParam = "raw",
) -> EventSourceResponse:
    """`view=ui`: the events as the web page shows them (see `view.py`)."""
    info = await run_in_threadpool(_conversation, request, user, conversation_id)
    start = after if after is not None else _event_id(last_event_id)
    service = _service(request)

    async def sse() -> AsyncIterator[ServerSentEvent]:
        async for event in follow(service.store, service.bus, info.id, start, VIEWS[view]):
            data = json.dumps(event["data"], ensure_ascii=False)
            event_id = str(event["id"]) if event["id"] is not None else None
            yield ServerSentEvent(data=data, event=event["type"], id=event_id)

    return EventSourceResponse(sse(), ping=15)


@router.get("/conversations/{conversation_id}/trajectory")
def trajectory(request: Request, user: CurrentUser, conversation_id: str) -> dict[str, Any]:
    info = _conversation(request, user, conversation_id)
    return trajectory_of(info, _service(request).store.events(info.id)).to_dict()


@router.get("/conversations/{conversation_id}/notebook")
def notebook(request: Request, user: CurrentUser, conversation_id: str) -> Response:
    info = _conversation(request, user, conversation_id)
    service = _service(request)
    notebook = trajectory_notebook(
        trajectory_of(info, service.store.events(info.id)), service.sessions.workspace(info)
    )
    headers = {"Content-Disposition": f'attachment; filename="{info.id}.ipynb"'}
    return Response(notebook_json(notebook), media_type="application/x-ipynb+json", headers=headers)


# --- the workspace ------------------------------------------------------------------------------


@router.get("/conversations/{conversation_id}/files")
def list_files(request: Request, user: CurrentUser, conversation_id: str) -> dict[str, Any]:
    root = _service(request).sessions.workspace(_conversation(request, user, conversation_id))
    return {"files": Workspace(root).list_files() if root else []}


@router.get("/conversations/{conversation_id}/files/{path:path}")
def download(
    request: Request, user: CurrentUser, conversation_id: str, path: str
) -> StreamingResponse:
    service = _service(request)
    root = service.sessions.workspace(_conversation(request, user, conversation_id))
    if root is None:
        raise HTTPException(404, f"no file {path!r} in the workspace")
    opened = Workspace(root).open_file(path, service.config.limits.download_bytes)
    guessed = mimetypes.guess_type(opened.name)[0]
    headers = {
        "Content-Length": str(opened.size),
        "Content-Disposition": f"attachment; filename*=UTF-8''{_quote(opened.name)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }
    media = guessed if guessed in SAFE_TYPES else "application/octet-stream"
    return StreamingResponse(opened.chunks(), media_type=media, headers=headers)


@router.put("/conversations/{conversation_id}/files/{path:path}", status_code=201)
async def upload(
    request: Request, user: CurrentUser, conversation_id: str, path: str
) -> dict[str, Any]:
    """The request body is the file's bytes (no multipart), capped at the upload limit."""
    service = _service(request)
    info = await run_in_threadpool(_conversation, request, user, conversation_id)
    limit = service.config.limits.upload_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FileTooLarge(f"the upload is {declared} bytes, over the {limit}-byte limit")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise FileTooLarge(f"the upload is over the {limit}-byte limit")
        chunks.append(chunk)
    root = await run_in_threadpool(service.sessions.workspace, info, True)
    assert root is not None
    written = await run_in_threadpool(Workspace(root).write_file, path, b"".join(chunks))
    return {"path": path, "size": written}


def _event_id(header: str | None) -> int:
    if header is None or not header.strip():
        return 0
    if not header.strip().isdigit():
        raise HTTPException(400, f"Last-Event-ID must be an event id (a number), not {header!r}")
    return int(header)


def _quote(name: str) -> str:
    return quote(name, safe="")
