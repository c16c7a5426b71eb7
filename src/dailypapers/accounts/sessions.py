"""Signed-in sessions: the hash of a browser's session token, whose session it is, until when.

Only the token's SHA-256 is stored, so signing out (or an admin deleting rows) ends a session
for good, and a copy of the database signs nobody in. The cookie that carries the token is the
web layer's business.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.store import sessions as session_store


def start(
    db: Database, token_hash: str, user: User, lifetime: timedelta, *, replacing: str | None = None
) -> None:
    """Sign ``user`` in under ``token_hash`` (ending the session ``replacing`` names, if any)."""
    now = datetime.now(UTC)
    with db.write() as conn:
        if replacing:
            session_store.delete_one(conn, replacing)
        session_store.delete_expired(conn, now)
        session_store.create(conn, token_hash, user.id, now + lifetime)


def end(db: Database, token_hash: str) -> None:
    with db.write() as conn:
        session_store.delete_one(conn, token_hash)


def end_all(db: Database, user: User) -> int:
    """Sign ``user`` out everywhere: every browser's session ends; how many did."""
    with db.write() as conn:
        return session_store.delete_for_user(conn, user.id)


def user_for(db: Database, token_hash: str) -> User | None:
    """Who the session signs in, unless it expired or was ended, or the account is disabled."""
    with db.read() as conn:
        row = session_store.user_for(conn, token_hash, datetime.now(UTC))
    return User.from_row(row) if row else None
