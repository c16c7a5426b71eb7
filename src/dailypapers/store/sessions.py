"""Signed-in sessions: the hash of a cookie token, whose session it is, and until when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from dailypapers.db.schema import sessions, users


def create(conn: Connection, token_hash: str, user_id: int, expires_at: datetime) -> None:
    conn.execute(sessions.insert().values(id=token_hash, user_id=user_id, expires_at=expires_at))


def user_for(conn: Connection, token_hash: str, now: datetime) -> dict[str, Any] | None:
    """The user signed in by this session, unless it expired or was signed out."""
    query = (
        select(users.c.id, users.c.username, users.c.fullname, users.c.email, users.c.is_admin)
        .join(sessions, sessions.c.user_id == users.c.id)
        .where(sessions.c.id == token_hash, sessions.c.expires_at > now)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def delete_one(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.id == token_hash))


def delete_expired(conn: Connection, now: datetime) -> int:
    return conn.execute(delete(sessions).where(sessions.c.expires_at <= now)).rowcount
