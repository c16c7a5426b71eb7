"""Mailed links that act for an account (verify an address, reset a password): the SHA-256 of
each link's secret, whose it is, for which address, until when, and whether it was used.

Using a token is one conditional UPDATE (unused, unexpired, of this purpose), so two requests
racing with one link cannot both succeed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from dailypapers.db.schema import account_tokens

SECRET_BYTES = 32  # 256 bits: not guessable, so one unsalted SHA-256 is enough to store it


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create(
    conn: Connection, user_id: int, purpose: str, email: str, now: datetime, expires_at: datetime
) -> tuple[str, int]:
    """A new token: (its secret, for the link only; its id)."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    inserted = conn.execute(
        account_tokens.insert().values(
            user_id=user_id,
            purpose=purpose,
            token_hash=hash_secret(secret),
            email=email,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return secret, inserted.inserted_primary_key[0]


def _usable(secret: str, purpose: str, now: datetime) -> list:
    return [
        account_tokens.c.token_hash == hash_secret(secret),
        account_tokens.c.purpose == purpose,
        account_tokens.c.used_at.is_(None),
        account_tokens.c.expires_at > now,
    ]


def find_usable(
    conn: Connection, secret: str, purpose: str, now: datetime
) -> dict[str, Any] | None:
    """The unused, unexpired token of ``purpose`` whose secret this is (nothing changes)."""
    query = select(account_tokens).where(*_usable(secret, purpose, now))
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def use(conn: Connection, secret: str, purpose: str, now: datetime) -> dict[str, Any] | None:
    """Mark the token used and return it, if it was usable; else None."""
    statement = (
        update(account_tokens)
        .where(*_usable(secret, purpose, now))
        .values(used_at=now)
        .returning(*account_tokens.c)
    )
    row = conn.execute(statement).mappings().first()
    return dict(row) if row else None


def void(conn: Connection, user_id: int, purpose: str, now: datetime) -> int:
    """Use up every unused token of ``purpose`` the user has (a password changed: old reset
    links must not work)."""
    statement = (
        update(account_tokens)
        .where(
            account_tokens.c.user_id == user_id,
            account_tokens.c.purpose == purpose,
            account_tokens.c.used_at.is_(None),
        )
        .values(used_at=now)
    )
    return conn.execute(statement).rowcount


def delete_expired(conn: Connection, before: datetime) -> int:
    """Forget tokens that expired before ``before`` (used or not: they can do nothing)."""
    return conn.execute(delete(account_tokens).where(account_tokens.c.expires_at < before)).rowcount
