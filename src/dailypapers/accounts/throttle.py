"""Sign-in throttling: after repeated wrong passwords for one login, or from one client address,
signing in waits.

Failures are rows in the database (``store.sign_in_failures``), so every worker process counts
the same ones. A login is counted as typed (lowercased), whether or not it names an account, so
being throttled says nothing about which accounts exist. While throttled no password is checked,
so guessing stops costing the server argon2 time. A correct password clears its login's
failures (not its address's: one person's success does not unlock an address guessing others).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from dailypapers.store import sign_in_failures as failure_store

MAX_LOGIN = 320  # the columns' lengths
MAX_ADDRESS = 64


@dataclass(frozen=True)
class SignInLimits:
    """How many wrong passwords, within ``window``, make signing in wait (0: not counted).

    Five per login lets a person mistype a few times; thirty per address lets a shared address
    (an office behind one NAT) hold several people's slips while a guesser trying many accounts
    from one address is still stopped within minutes. Fifteen minutes is the usual lockout
    window (OWASP's guidance), long enough to make online guessing hopeless.
    """

    per_login: int = 5
    per_address: int = 30
    window: timedelta = timedelta(minutes=15)


DEFAULT = SignInLimits()  # what the sign-in form applies


class Throttled(Exception):
    """Too many recent failures; ``retry_after`` is the whole seconds until one more try."""

    def __init__(self, retry_after: int):
        minutes = math.ceil(retry_after / 60)
        super().__init__(
            "Too many wrong passwords. Try again in "
            + (f"{minutes} minutes." if minutes > 1 else "a minute.")
        )
        self.retry_after = retry_after


def login_key(login: str) -> str:
    return login.strip().lower()[:MAX_LOGIN]


def address_key(address: str) -> str:
    return address[:MAX_ADDRESS]


def check(conn: Connection, limits: SignInLimits, login: str, address: str, now: datetime) -> bool:
    """Raise :class:`Throttled` if ``login`` or ``address`` has failed too often lately; else
    whether ``login`` has any recent failure (so a success knows to clear them)."""
    since = now - limits.window
    by_login = (
        failure_store.login_times_since(conn, login_key(login), since)
        if limits.per_login > 0
        else []
    )
    by_address = (
        failure_store.address_times_since(conn, address_key(address), since)
        if limits.per_address > 0
        else []
    )
    waits = [
        _wait(times, maximum, limits.window, now)
        for times, maximum in ((by_login, limits.per_login), (by_address, limits.per_address))
        if 0 < maximum <= len(times)
    ]
    if waits:
        raise Throttled(max(waits))
    return bool(by_login)


def _wait(times: list[datetime], maximum: int, window: timedelta, now: datetime) -> int:
    """Whole seconds until enough of ``times`` (oldest first) age out that fewer than
    ``maximum`` remain."""
    freed_at = times[len(times) - maximum] + window
    return max(1, math.ceil((freed_at - now).total_seconds()))


def record_failure(
    conn: Connection, limits: SignInLimits, login: str, address: str, now: datetime
) -> None:
    if limits.per_login <= 0 and limits.per_address <= 0:
        return
    failure_store.record(conn, login_key(login), address_key(address), now)
    failure_store.delete_before(conn, now - limits.window)  # keeps the table small


def clear(conn: Connection, login: str) -> None:
    failure_store.clear_login(conn, login_key(login))
