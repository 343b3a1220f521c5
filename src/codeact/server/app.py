"""The FastAPI application: wiring, errors as JSON, the lifespan, and the static UI folder.

    app = create_app(ServerConfig(llm="openai:gpt-4o"))      # then serve it with uvicorn

Every error, whatever raised it, is answered as `{"error": {"type": ..., "message": ...}}` (the
shape OpenAI clients expect too), with the right status: 400 malformed JSON, 401 no token,
404 unknown or someone else's id, 409 a turn already running, 413 too large, 422 a bad field,
429 over a cap (with Retry-After), 503 shutting down.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from codeact import __version__
from codeact.contracts import LLM
from codeact.llms import get_llm, parse_spec
from codeact.server.auth import Authenticator
from codeact.server.config import ServerConfig
from codeact.server.events import EventBus
from codeact.server.headers import SecurityHeaders
from codeact.server.sessions import ServiceError, SessionManager
from codeact.server.store import Store
from codeact.server.workspace import WorkspaceError

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
ERROR_TYPES = {
    400: "invalid_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid_request",
    429: "rate_limited", 503: "unavailable",
}  # fmt: skip


@dataclass
class Service:
    """What the routes share (on `app.state.service`)."""

    config: ServerConfig
    store: Store
    bus: EventBus
    sessions: SessionManager
    auth: Authenticator


def create_app(
    config: ServerConfig, llm: LLM | None = None, choices: Mapping[str, LLM] | None = None
) -> FastAPI:
    """The server for `config`; `llm` overrides `config.llm` and `choices` `config.extra_llms`
    (tests pass scripted ones)."""
    config.limits.check()
    store = Store(config.db_url)
    auth = Authenticator(store, config.auth_required(store.has_tokens()))
    bus = EventBus()
    if choices is None:
        choices = {spec: build_llm(config, spec) for spec in config.extra_llms}
    sessions = SessionManager(config, store, bus, llm or build_llm(config), choices)
    service = Service(config, store, bus, sessions, auth)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        bus.bind(asyncio.get_running_loop())
        cut = await run_in_threadpool(sessions.recover)
        if cut:
            log.warning("%d turns were cut short by the last stop; their conversations say so", cut)
        yield
        await run_in_threadpool(sessions.shutdown)
        store.close()

    # no /docs or /redoc: they load their scripts from a CDN, into the origin that holds tokens
    app = FastAPI(
        title="codeact", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.service = service
    app.add_middleware(SecurityHeaders)
    _add_error_handlers(app)
    from codeact.server import api, openai_api

    app.include_router(api.router)
    app.include_router(openai_api.router)
    _add_static(app)
    return app


def build_llm(config: ServerConfig, spec: str | None = None) -> LLM:
    """The model `spec` names (default: `config.llm`)."""
    spec = spec or config.llm
    provider = parse_spec(spec)[0]
    options = config.llm_options if provider == parse_spec(config.llm)[0] else {}
    llm = get_llm(spec, **options)
    # a backend that declares itself not thread-safe (llama.cpp: one completion at a time per
    # model) is shared by the conversations one request at a time
    return llm if getattr(llm, "thread_safe", True) else SerializedLLM(llm)


class SerializedLLM:
    """An LLM that takes one request at a time (for in-process models shared by conversations)."""

    def __init__(self, llm: LLM) -> None:
        self.inner, self.name, self._lock = llm, llm.name, threading.Lock()

    def complete(self, messages: Any, *, stop: Any = None, stream: Any = None) -> Any:
        with self._lock:
            return self.inner.complete(messages, stop=stop, stream=stream)


def error_response(
    status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"error": {"type": ERROR_TYPES.get(status, "error"), "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return error_response(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        first: dict[str, Any] = errors[0] if errors else {"msg": "invalid request", "loc": ()}
        if first.get("type") == "json_invalid":
            return error_response(
                400, f"malformed JSON: {first.get('ctx', {}).get('error', first['msg'])}"
            )
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        return error_response(422, f"{where}: {first['msg']}" if where else str(first["msg"]))

    @app.exception_handler(ServiceError)
    async def refused(request: Request, exc: ServiceError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return error_response(exc.status, str(exc), headers)

    @app.exception_handler(WorkspaceError)
    async def bad_file(request: Request, exc: WorkspaceError) -> JSONResponse:
        return error_response(exc.status, str(exc))


def _add_static(app: FastAPI) -> None:
    """The web UI's files (static/, see its README) at /, when present."""
    if (STATIC / "index.html").is_file():
        app.mount("/", StaticFiles(directory=STATIC, html=True), name="ui")
        return

    @app.get("/", include_in_schema=False)
    def root() -> dict[str, str]:
        return {
            "name": "codeact",
            "version": __version__,
            "api": "/api",
            "openai": "/v1",
            "openapi": "/openapi.json",
        }
