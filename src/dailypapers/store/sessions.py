"""Signed-in sessions: the hash of a cookie token, whose session it is, and until when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select

from dailypapers.db.schema import sessions, users
from dailypapers.store.users import PUBLIC_COLUMNS


def create(conn: Connection, token_hash: str, user_id: int, expires_at: datetime) -> None:
    conn.execute(sessions.insert().values(id=token_hash, user_id=user_id, expires_at=expires_at))


# Built once: every signed-in request runs it, and building the statement cost more than
# running it (the values are bound per call).
_USER_FOR = (
    select(*PUBLIC_COLUMNS)
    .join(sessions, sessions.c.user_id == users.c.id)
    .where(
        sessions.c.id == bindparam("token_hash"),
        sessions.c.expires_at > bindparam("now"),
        users.c.disabled_at.is_(None),
    )
)


def user_for(conn: Connection, token_hash: str, now: datetime) -> dict[str, Any] | None:
    """The user signed in by this session, unless it expired, was signed out or the account is
    disabled."""
    row = conn.execute(_USER_FOR, {"token_hash": token_hash, "now": now}).mappings().first()
    return dict(row) if row else None


def delete_one(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.id == token_hash))


def delete_for_user(conn: Connection, user_id: int, *, keep: str | None = None) -> int:
    """End every session of the user (but the one ``keep`` names); how many ended."""
    statement = delete(sessions).where(sessions.c.user_id == user_id)
    if keep is not None:
        statement = statement.where(sessions.c.id != keep)
    return conn.execute(statement).rowcount


def delete_expired(conn: Connection, now: datetime) -> int:
    return conn.execute(delete(sessions).where(sessions.c.expires_at <= now)).rowcount
