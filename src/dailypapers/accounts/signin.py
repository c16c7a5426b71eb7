"""Signing in: the account a login (username or email) and password name, throttled.

With limits, repeated failures for the login or from the client's address raise
:class:`~dailypapers.accounts.throttle.Throttled` before any password is checked.
"""

from __future__ import annotations

from datetime import UTC, datetime

from dailypapers.accounts import passwords, throttle
from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.store import users as user_store


def authenticate(
    db: Database,
    login: str,
    password: str,
    *,
    address: str = "unknown",
    limits: throttle.SignInLimits | None = None,
    now: datetime | None = None,
) -> User | None:
    """The account ``login`` names, if ``password`` is its password; else None."""
    login = login.strip()
    if not login or len(password) > passwords.MAX_LENGTH:
        return None
    now = now or datetime.now(UTC)
    with db.read() as conn:
        failed_before = throttle.check(conn, limits, login, address, now) if limits else False
        row = user_store.get_for_login(conn, login)
    stored = row["password_hash"] if row else None
    if not passwords.matches(stored, password):
        if limits:
            with db.write() as conn:
                throttle.record_failure(conn, limits, login, address, now)
        return None
    if failed_before:
        with db.write() as conn:
            throttle.clear(conn, login)
    if passwords.needs_rehash(stored):  # parameters were raised since this hash was made
        with db.write() as conn:
            user_store.set_password_hash(conn, row["id"], passwords.hash_password(password))
    return User.from_row(row)
