"""Signing in: the account a login (username, or verified email) and password name, throttled.

With limits, each try is reserved before its password is checked, and repeated failures for the
account or from the client's network (or, for a known device, from that device) raise
:class:`~dailypapers.accounts.throttle.Throttled`. An email signs in only once its account has
verified it: an unverified address is someone's claim, not a login. A disabled account is
refused with :class:`Disabled`, and only once its password was given (so the refusal tells a
guesser nothing).
"""

from __future__ import annotations

from datetime import UTC, datetime

from dailypapers.accounts import passwords, throttle
from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.store import users as user_store


class Disabled(PermissionError):
    """The account was disabled by the site's operator."""

    def __init__(self) -> None:
        super().__init__("This account is disabled.")


def authenticate(
    db: Database,
    login: str,
    password: str,
    *,
    address: str = "unknown",
    limits: throttle.SignInLimits | None = None,
    device: throttle.KnownDevice | None = None,
    now: datetime | None = None,
) -> User | None:
    """The account ``login`` names, if ``password`` is its password; else None. ``device``, a
    known device of some account, counts the try per device when it is this login's account.
    Raises throttle.Throttled, Disabled or passwords.Busy."""
    login = login.strip()
    if not login or len(password) > passwords.MAX_LENGTH:
        return None
    now = now or datetime.now(UTC)
    with db.write() as conn:  # a Throttled raised here rolls the reservation back
        row = user_store.get_for_login(conn, login)
        account = throttle.account_key(login, row["id"] if row else None)
        if row is None or device is None or device.user_id != row["id"]:
            device = None
        if limits:
            throttle.reserve(conn, limits, account, address, now, device=device)
    stored = row["password_hash"] if row else None
    if not passwords.matches(stored, password):
        return None
    if limits:
        with db.write() as conn:
            throttle.succeeded(conn, limits, account, device=device)
    if row["disabled_at"] is not None:
        raise Disabled()
    if passwords.needs_rehash(stored):  # parameters were raised since this hash was made
        with db.write() as conn:
            user_store.set_password_hash(conn, row["id"], passwords.hash_password(password))
    return User.from_row(row)
