"""What the site's operator does to accounts (``dailypapers user``): list them, make an admin,
disable and enable.

A disabled account cannot sign in; disabling ends its sessions at once, and its API tokens and
private feed addresses stop working while it stays disabled (their lookups skip disabled
accounts), so enabling it again brings the tokens back but not the sessions.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.store import sessions as session_store
from dailypapers.store import users as user_store


class NoSuchUser(LookupError):
    def __init__(self, username: str):
        super().__init__(f"There is no account called “{username}”.")


def everyone(db: Database) -> list[User]:
    """Every local account (not the upstream feed's shadow users), oldest first."""
    with db.read() as conn:
        return [User.from_row(row) for row in user_store.local_accounts(conn)]


def make_admin(db: Database, username: str, *, admin: bool = True) -> User:
    """Make ``username`` an admin (or no longer one). Raises NoSuchUser."""
    with db.write() as conn:
        user_id = _local_id(conn, username)
        user_store.set_admin(conn, user_id, admin)
        return User.from_row(user_store.get_public(conn, user_id))


def disable(db: Database, username: str, *, now: datetime | None = None) -> User:
    """Disable ``username`` and end its sessions. Raises NoSuchUser."""
    with db.write() as conn:
        user_id = _local_id(conn, username)
        user_store.set_disabled(conn, user_id, now or datetime.now(UTC))
        session_store.delete_for_user(conn, user_id)
        return User.from_row(user_store.get_public(conn, user_id))


def enable(db: Database, username: str) -> User:
    """Let ``username`` sign in again. Raises NoSuchUser."""
    with db.write() as conn:
        user_id = _local_id(conn, username)
        user_store.set_disabled(conn, user_id, None)
        return User.from_row(user_store.get_public(conn, user_id))


def _local_id(conn: Connection, username: str) -> int:
    row = user_store.get_by_username(conn, username.strip())
    if row is None or row["password_hash"] is None:
        raise NoSuchUser(username)
    return row["id"]
