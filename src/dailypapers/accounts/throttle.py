"""Sign-in throttling: a try is reserved before its password is checked, counted per account
(whatever alias was typed: username or email) and per client network, and refused once too many
tries failed lately.

Reserving first (``quotas.take``, atomic) means simultaneous guesses cannot all be checked: the
sixth of fifteen parallel tries is refused before argon2 runs. A login naming no account is
counted as typed (lowercased), so being throttled says nothing about which accounts exist. A
correct password forgets its account's tries (not its network's: one person's success does not
unlock a network guessing others).

A browser that signed in to an account before carries a device cookie naming it (OWASP's
"device cookie" pattern; the web layer signs it). Its tries at that account are counted per
device instead: a guesser who locked the account, or a neighbour behind the same NAT who locked
the network, does not lock its owner out, and a stolen device cookie buys only its own few tries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from dailypapers.accounts import quotas

MAX_LOGIN = 320  # the users.email column's length


@dataclass(frozen=True)
class SignInLimits:
    """How many tries, within ``window``, may fail before signing in waits (0: not counted).

    Five per account lets a person mistype a few times; thirty per network lets a shared address
    (an office behind one NAT) hold several people's slips while a guesser trying many accounts
    from one address is still stopped within minutes. Fifteen minutes is the usual lockout
    window (OWASP's guidance), long enough to make online guessing hopeless.
    """

    per_login: int = 5
    per_address: int = 30
    window: timedelta = timedelta(minutes=15)

    @property
    def per_account_quota(self) -> quotas.Quota:
        return quotas.Quota("sign_in", self.per_login, self.window, "wrong passwords")

    @property
    def per_address_quota(self) -> quotas.Quota:
        return quotas.Quota("sign_in_address", self.per_address, self.window, "wrong passwords")

    @property
    def per_device_quota(self) -> quotas.Quota:
        return quotas.Quota("sign_in_device", self.per_login, self.window, "wrong passwords")


DEFAULT = SignInLimits()  # what the sign-in form applies


class Throttled(quotas.Exceeded):
    """Too many recent failures; ``retry_after`` is the whole seconds until one more try."""


@dataclass(frozen=True)
class KnownDevice:
    """A browser that signed in to account ``user_id`` before; ``nonce`` tells it apart."""

    user_id: int
    nonce: str

    @property
    def key(self) -> str:
        return f"device:{self.nonce}"[:MAX_LOGIN]


def account_key(login: str, user_id: int | None) -> str:
    """What a try is counted under: the account, or the login as typed when it names none."""
    if user_id is not None:
        return f"user:{user_id}"
    return f"login:{login.strip().lower()}"[:MAX_LOGIN]


def reserve(
    conn: Connection,
    limits: SignInLimits,
    account: str,
    address: str,
    now: datetime,
    *,
    device: KnownDevice | None = None,
) -> None:
    """Count one try for ``account`` and ``address`` (or for ``device``, a known device of this
    account), or raise :class:`Throttled` (nothing counted) when one has too many lately."""
    try:
        if device is not None:
            quotas.take(conn, limits.per_device_quota, device.key, now)
            return
        quotas.take(conn, limits.per_account_quota, account, now)
        quotas.take(conn, limits.per_address_quota, quotas.network_of(address), now)
    except quotas.Exceeded as exceeded:
        raise Throttled(exceeded.quota, exceeded.retry_after) from None


def succeeded(
    conn: Connection, limits: SignInLimits, account: str, *, device: KnownDevice | None = None
) -> None:
    """A correct password: its account's (and device's) tries are forgotten."""
    quotas.forget(conn, limits.per_account_quota, account)
    if device is not None:
        quotas.forget(conn, limits.per_device_quota, device.key)
