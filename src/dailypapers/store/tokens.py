"""Tokens users hold: API tokens (``Authorization: Bearer``) and private feed tokens (in a URL).

A token is ``dp_`` (API) or ``dpf_`` (feed) followed by 32 random bytes in URL-safe base64: far
too much entropy to guess, so one unsalted SHA-256 is enough to store it (a slow password hash
would only slow down every API call). The token is returned once by :func:`create` and never
again; lookups hash what the caller presents.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update

from dailypapers.db.schema import api_tokens, users

PREFIXES = {"api": "dp_", "feed": "dpf_"}
MAX_NAME = 100
MAX_ACTIVE_PER_USER = 50
# last_used_at is written at most this often per token, so reads stay reads.
LAST_USED_RESOLUTION = timedelta(minutes=10)


class TokenError(ValueError):
    """A token cannot be created (bad name, too many); the message is fit to show."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def looks_like(token: str, kind: str) -> bool:
    """True when ``token`` has the shape of one of ours (used to ignore other sites' tokens)."""
    return token.startswith(PREFIXES[kind])


def create(conn: Connection, user_id: int, kind: str, name: str = "") -> tuple[str, dict[str, Any]]:
    """A new token for ``user_id``: (the secret, shown once; its stored row without the hash)."""
    if kind not in PREFIXES:
        raise ValueError(f"unknown token kind {kind!r}")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise TokenError(f"A token name is at most {MAX_NAME} characters.")
    active = conn.execute(
        select(api_tokens.c.id).where(
            api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None)
        )
    ).all()
    if len(active) >= MAX_ACTIVE_PER_USER:
        raise TokenError(f"You have {MAX_ACTIVE_PER_USER} active tokens: revoke one first.")
    secret = PREFIXES[kind] + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    row = {
        "user_id": user_id,
        "kind": kind,
        "name": name,
        "token_hash": hash_token(secret),
        "prefix": secret[: len(PREFIXES[kind]) + 4],
        "created_at": now,
    }
    token_id = conn.execute(api_tokens.insert().values(**row)).inserted_primary_key[0]
    return secret, get(conn, token_id)


def get(conn: Connection, token_id: int) -> dict[str, Any] | None:
    row = (
        conn.execute(select(*_PUBLIC_COLUMNS).where(api_tokens.c.id == token_id)).mappings().first()
    )
    return dict(row) if row else None


def list_for(
    conn: Connection, user_id: int, kind: str | None = None, *, include_revoked: bool = False
) -> list[dict[str, Any]]:
    """A user's tokens, newest first (never their hashes)."""
    query = select(*_PUBLIC_COLUMNS).where(api_tokens.c.user_id == user_id)
    if kind is not None:
        query = query.where(api_tokens.c.kind == kind)
    if not include_revoked:
        query = query.where(api_tokens.c.revoked_at.is_(None))
    query = query.order_by(api_tokens.c.created_at.desc(), api_tokens.c.id.desc())
    return [dict(row) for row in conn.execute(query).mappings()]


def resolve(conn: Connection, token: str, kind: str) -> dict[str, Any] | None:
    """The active token of kind ``kind`` joined with its user (``id`` is the user's), or None.
    Callers record the use with :func:`mark_used` on a write connection when it is due."""
    query = (
        select(
            api_tokens.c.id.label("token_id"),
            api_tokens.c.last_used_at,
            users.c.id,
            users.c.username,
            users.c.fullname,
            users.c.avatar_url,
            users.c.upstream_id,
        )
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(
            api_tokens.c.token_hash == hash_token(token),
            api_tokens.c.kind == kind,
            api_tokens.c.revoked_at.is_(None),
            users.c.disabled_at.is_(None),  # a disabled account's tokens do nothing
        )
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def needs_mark(last_used_at: datetime | None) -> bool:
    """Whether a use should be written (none recorded within ``LAST_USED_RESOLUTION``)."""
    return last_used_at is None or datetime.now(UTC) - last_used_at >= LAST_USED_RESOLUTION


def mark_used(conn: Connection, token_id: int) -> None:
    conn.execute(
        update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=datetime.now(UTC))
    )


def owner_of(conn: Connection, token_id: int) -> int | None:
    return conn.execute(
        select(api_tokens.c.user_id).where(api_tokens.c.id == token_id)
    ).scalar_one_or_none()


def revoke(conn: Connection, token_id: int) -> bool:
    """Revoke a token; False when it was already revoked or does not exist."""
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return result.rowcount == 1


_PUBLIC_COLUMNS = (
    api_tokens.c.id,
    api_tokens.c.user_id,
    api_tokens.c.kind,
    api_tokens.c.name,
    api_tokens.c.prefix,
    api_tokens.c.created_at,
    api_tokens.c.last_used_at,
    api_tokens.c.revoked_at,
)
