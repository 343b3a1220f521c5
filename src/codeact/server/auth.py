"""Bearer-token auth. Tokens are made by `codeact serve token create NAME` and kept hashed.

With auth off (a loopback-only server with no tokens, or `--auth none`), every request is the
one local user. Conversations belong to the user who made them; everyone else gets a 404 for
them, so their ids do not leak.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from codeact.server.store import Store


@dataclass(frozen=True)
class User:
    id: str
    name: str


LOCAL_USER = User("local", "local")


class Authenticator:
    def __init__(self, store: Store, required: bool) -> None:
        self.store, self.required = store, required

    def user(self, authorization: str | None) -> User:
        if not self.required:
            return LOCAL_USER
        scheme, _, token = (authorization or "").partition(" ")
        found = self.store.user_for_token(token.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            raise HTTPException(
                401,
                "missing or unknown token: send 'Authorization: Bearer TOKEN' "
                "(make one with `codeact serve token create NAME`)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return User(*found)


def current_user(request: Request) -> User:
    """FastAPI dependency: the user making the request, or a 401."""
    auth: Authenticator = request.app.state.service.auth
    return auth.user(request.headers.get("authorization"))
