"""`codeact serve`: a chat service where every conversation has its own agent and sandboxed kernel.

    from codeact.server import ServerConfig, create_app
    app = create_app(ServerConfig(llm="openai:gpt-4o", db="postgresql+psycopg://..."))

| module | what it is |
|---|---|
| `app.py` | the FastAPI application: wiring, JSON errors, lifespan, static UI |
| `api.py` | REST + SSE under /api (conversations, messages, stop, files, exports) |
| `openai_api.py` | /v1/chat/completions and /v1/models: the agent as a model |
| `sessions.py` | live conversations: one Agent + kernel each, caps, culling, shutdown |
| `recorder.py` | writes a running turn into the event log as it happens |
| `events.py` | the event types, the trajectory they make, the in-process bus |
| `store.py` · `tables.py` · `migrations/` | SQLAlchemy persistence (SQLite, PostgreSQL), Alembic |
| `auth.py` | bearer tokens, stored hashed |
| `workspace.py` | host-side file access to a workspace the sandbox controls |
| `notebook.py` · `render.py` | trajectories as Jupyter notebooks; steps read back from the log |
| `config.py` | the settings |
| `static/` | the web UI's files, served at / |
"""

from __future__ import annotations

from codeact.server.config import Limits, ServerConfig

__all__ = ["Limits", "ServerConfig", "create_app"]


def __getattr__(name: str) -> object:
    if name == "create_app":  # imports FastAPI; the CLI's token command does not need it
        from codeact.server.app import create_app

        return create_app
    raise AttributeError(name)
