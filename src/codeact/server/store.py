"""Persistence: SQLite by default, PostgreSQL by URL, through SQLAlchemy 2 and Alembic.

Every write is committed before the call that makes it returns, so a `kill -9` loses
nothing the client was told about. SQLite runs in WAL mode with `synchronous=NORMAL`: a commit
survives the process dying (only a power loss could undo the last ones). Every read and write
of a conversation is scoped to its owner, so one user's ids mean nothing to another.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.orm import Session

from codeact.errors import ConfigError
from codeact.server.group_commit import GroupCommit
from codeact.server.tables import Conversation, Event, Thread, Token, User

MIGRATIONS = Path(__file__).parent / "migrations"
TOKEN_PREFIX = "ca_"


@dataclass
class ConversationInfo:
    id: str
    owner: str
    title: str
    status: str
    workspace: str
    meta: dict[str, Any]
    created: float
    updated: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["workspace"], data["owner"]
        return data


@dataclass
class EventRecord:
    id: int
    conversation_id: str
    type: str
    data: dict[str, Any]
    created: float

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "data": self.data, "created": self.created}


class Store:
    def __init__(self, url: str) -> None:
        try:
            self.engine = sa.create_engine(url, **_engine_options(url))
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise ConfigError(f"cannot use the database {url!r}: {exc}") from exc
        self.sqlite = self.engine.dialect.name == "sqlite"
        if self.sqlite:
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        # SQLite takes one writer at a time; queue them here rather than fail with SQLITE_BUSY,
        # and let the event log's writers share commits
        lock = threading.Lock()
        self._write_lock: contextlib.AbstractContextManager[Any] = (
            lock if self.sqlite else contextlib.nullcontext()
        )
        self._group = GroupCommit(self.engine, lock) if self.sqlite else None
        self.migrate()

    def migrate(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self._write_lock, self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")

    def close(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Session]:
        with self._write_lock, Session(self.engine) as session, session.begin():
            yield session

    # --- users and tokens -------------------------------------------------------------------

    def create_token(self, name: str) -> str:
        """A new bearer token for user `name` (created if new). Only its hash is kept."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._writing() as s:
            user = s.scalar(sa.select(User).where(User.name == name))
            if user is None:
                user = User(id=_new_id("u"), name=name, created=time.time())
                s.add(user)
                s.flush()
            s.add(Token(user_id=user.id, digest=_digest(token), created=time.time()))
        return token

    def user_for_token(self, token: str) -> tuple[str, str] | None:
        """(user id, user name) of a token, or None."""
        with Session(self.engine) as s:
            row = s.execute(
                sa.select(User.id, User.name)
                .join(Token, Token.user_id == User.id)
                .where(Token.digest == _digest(token))
            ).first()
        return (row[0], row[1]) if row else None

    def has_tokens(self) -> bool:
        with Session(self.engine) as s:
            return s.scalar(sa.select(sa.func.count()).select_from(Token)) != 0

    # --- conversations --------------------------------------------------------------------

    def create_conversation(
        self, owner: str, title: str, workspace: str, meta: dict[str, Any]
    ) -> ConversationInfo:
        now = time.time()
        row = Conversation(
            id=_new_id("c"), owner=owner, title=title, status="idle", workspace=workspace,
            meta=meta, created=now, updated=now,
        )  # fmt: skip
        with self._writing() as s:
            s.add(row)
            s.flush()
            return _info(row)

    def conversation(self, owner: str, conversation_id: str) -> ConversationInfo | None:
        with Session(self.engine) as s:
            row = s.get(Conversation, conversation_id)
            return _info(row) if row is not None and row.owner == owner else None

    def conversations(
        self, owner: str, limit: int = 100, title_has: str = ""
    ) -> list[ConversationInfo]:
        """The owner's conversations, newest first; `title_has` keeps those whose title contains
        it (case-insensitive)."""
        query = sa.select(Conversation).where(Conversation.owner == owner)
        if title_has:
            pattern = "%" + re.sub(r"([\\%_])", r"\\\1", title_has) + "%"
            query = query.where(Conversation.title.ilike(pattern, escape="\\"))
        query = query.order_by(Conversation.updated.desc()).limit(limit)
        with Session(self.engine) as s:
            return [_info(row) for row in s.scalars(query)]

    def update(
        self,
        owner: str,
        conversation_id: str,
        title: str | None = None,
        settings: dict[str, Any] | None = None,
    ) -> ConversationInfo | None:
        """Rename a conversation and/or merge `settings` into its `meta["settings"]`."""
        with self._writing() as s:
            row = s.get(Conversation, conversation_id)
            if row is None or row.owner != owner:
                return None
            if title is not None:
                row.title = title
            if settings:
                row.meta = {**row.meta, "settings": {**row.meta.get("settings", {}), **settings}}
            row.updated = time.time()
            return _info(row)

    def delete(self, owner: str, conversation_id: str) -> bool:
        with self._writing() as s:
            row = s.get(Conversation, conversation_id)
            if row is None or row.owner != owner:
                return False
            for table in (Event, Thread):
                s.execute(sa.delete(table).where(table.conversation_id == conversation_id))
            s.delete(row)
            return True

    def set_workspace(self, conversation_id: str, workspace: str) -> None:
        with self._writing() as s:
            s.execute(
                sa.update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(workspace=workspace)
            )

    def workspace_of(self, conversation_id: str) -> str | None:
        """The workspace's folder name ("" before it has one); None if there is no such conversation."""
        with Session(self.engine) as s:
            query = sa.select(Conversation.workspace).where(Conversation.id == conversation_id)
            return s.scalar(query)

    def running_conversations(self) -> list[str]:
        """Conversations marked running: after a crash, the turns that were cut short."""
        with Session(self.engine) as s:
            query = sa.select(Conversation.id).where(Conversation.status == "running")
            return list(s.scalars(query))

    # --- the event log ----------------------------------------------------------------------

    def append(
        self,
        conversation_id: str,
        events: list[tuple[str, dict[str, Any]]],
        status: str | None = None,
    ) -> list[EventRecord]:
        """Append events in one transaction (setting the conversation's status too, if given);
        returns them with their ids. Core statements, not the ORM: this is the hot path. With
        SQLite, concurrent appends share a commit (group_commit.py)."""
        now = time.time()
        rows: list[dict[str, Any]] = [
            {"conversation_id": conversation_id, "type": t, "data": d, "created": now}
            for t, d in events
        ]
        insert = sa.insert(Event).returning(Event.id, sort_by_parameter_order=True)

        def write(connection: sa.Connection) -> list[int]:
            ids = list(connection.execute(insert, rows).scalars())
            if status is not None:
                connection.execute(
                    sa.update(Conversation)
                    .where(Conversation.id == conversation_id)
                    .values(status=status, updated=now)
                )
            return ids

        if self._group is not None:
            ids = self._group.run(write)
        else:
            with self.engine.begin() as connection:
                ids = write(connection)
        return [
            EventRecord(i, conversation_id, kind, data, now)
            for i, (kind, data) in zip(ids, events, strict=True)
        ]

    def events(
        self, conversation_id: str, after: int = 0, types: tuple[str, ...] = ()
    ) -> list[EventRecord]:
        columns = (Event.id, Event.conversation_id, Event.type, Event.data, Event.created)
        query = (
            sa.select(*columns)
            .where(Event.conversation_id == conversation_id, Event.id > after)
            .order_by(Event.id)
        )
        if types:
            query = query.where(Event.type.in_(types))
        with self.engine.connect() as connection:
            return [EventRecord(*row) for row in connection.execute(query)]

    # --- OpenAI threads -------------------------------------------------------------------

    def thread(self, owner: str, key: str) -> str | None:
        with Session(self.engine) as s:
            row = s.get(Thread, (owner, key))
            return row.conversation_id if row else None

    def set_thread(self, owner: str, key: str, conversation_id: str) -> None:
        with self._writing() as s:
            s.merge(Thread(owner=owner, key=key, conversation_id=conversation_id))


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {"connect_args": {"check_same_thread": False, "timeout": 30}}
    return {"pool_pre_ping": True}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        "busy_timeout=30000",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def _info(row: Conversation) -> ConversationInfo:
    return ConversationInfo(
        row.id,
        row.owner,
        row.title,
        row.status,
        row.workspace,
        dict(row.meta),
        row.created,
        row.updated,
    )
