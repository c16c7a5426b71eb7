"""API tokens (``Authorization: Bearer dp_...``) and private feed addresses (``dpf_...`` in a URL).

The secret is shown once, when made; only its SHA-256 is stored (``store/tokens.py``). Resolving
a token also records when it was last used, at most every few minutes so that reads seldom
write. Revoking someone else's token is :class:`NotYourToken`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.store import tokens as token_store
from dailypapers.store.tokens import PREFIXES, TokenError

__all__ = [
    "PREFIXES",
    "NotYourToken",
    "Token",
    "TokenError",
    "TokenNotFound",
    "create",
    "list_for",
    "looks_like",
    "resolve",
    "revoke",
]


class TokenNotFound(LookupError):
    pass


class NotYourToken(PermissionError):
    pass


@dataclass(frozen=True, slots=True)
class Token:
    id: int
    kind: str  # "api" or "feed"
    name: str
    prefix: str  # the first characters, to tell tokens apart
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Token:
        return cls(
            row["id"],
            row["kind"],
            row["name"],
            row["prefix"],
            row["created_at"],
            row["last_used_at"],
            row["revoked_at"],
        )


@dataclass(frozen=True, slots=True)
class Holder:
    """Who presented a token, and which token it was."""

    user: User
    token_id: int


def looks_like(secret: str, kind: str) -> bool:
    """True when ``secret`` has the shape of one of ours (other sites' tokens are ignored)."""
    return token_store.looks_like(secret, kind)


def create(db: Database, user: User, kind: str, name: str = "") -> tuple[str, Token]:
    """A new token: (its secret, shown once; the token). Raises TokenError (bad name, too many)."""
    with db.write() as conn:
        secret, row = token_store.create(conn, user.id, kind, name)
    return secret, Token.from_row(row)


def list_for(db: Database, user: User, kind: str | None = None) -> list[Token]:
    """The user's active tokens, newest first."""
    with db.read() as conn:
        return [Token.from_row(row) for row in token_store.list_for(conn, user.id, kind)]


def revoke(db: Database, user: User, token_id: int) -> Token:
    """Revoke one of ``user``'s tokens. Raises TokenNotFound or NotYourToken."""
    with db.write() as conn:
        owner = token_store.owner_of(conn, token_id)
        if owner is None:
            raise TokenNotFound(token_id)
        if owner != user.id:
            raise NotYourToken(token_id)
        token_store.revoke(conn, token_id)
        return Token.from_row(token_store.get(conn, token_id))


def resolve(db: Database, secret: str, kind: str) -> Holder | None:
    """The holder of an active token of ``kind``, or None; records the use when due."""
    with db.read() as conn:
        row = token_store.resolve(conn, secret, kind)
    if row is None:
        return None
    if token_store.needs_mark(row["last_used_at"]):
        with db.write() as conn:
            token_store.mark_used(conn, row["token_id"])
    return Holder(User.from_row(row), row["token_id"])
