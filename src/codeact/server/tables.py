"""The server's tables (SQLAlchemy 2). The schema itself is created by the Alembic migrations in
`migrations/`; these classes are how the store reads and writes it.

A conversation's `events` are an append-only log: nothing is updated or deleted there except
with the whole conversation. The log IS the trajectory (see `events.py`).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    created: Mapped[float] = mapped_column(sa.Float)


class Token(Base):
    """A bearer token, stored as its SHA-256 (tokens are random, so no salt or slow hash is needed)."""

    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created: Mapped[float] = mapped_column(sa.Float)


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(sa.String(40), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(20), default="idle")  # idle | running
    workspace: Mapped[str] = mapped_column(sa.String(100))  # folder name under the workspaces
    meta: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created: Mapped[float] = mapped_column(sa.Float)
    updated: Mapped[float] = mapped_column(sa.Float, index=True)


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(sa.String(20))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created: Mapped[float] = mapped_column(sa.Float)


class Thread(Base):
    """Maps an OpenAI-style request (by `user` field or by message history) to a conversation."""

    __tablename__ = "openai_threads"
    owner: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="CASCADE")
    )
