"""Rate limits: at most so many events of a kind per key within a window, counted in the
database (``store.rate_events``) so every worker process counts the same ones.

A quota is taken before the work it guards (a password check, a mail, a comment), atomically, so
simultaneous requests cannot all slip under the limit. Client addresses are counted by network:
an IPv6 client owns its whole /64, so rotating addresses within it gains nothing.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection

from dailypapers.store import rate_events

IPV6_NETWORK = 64  # the prefix one subscriber is given (RFC 6177): one client, one count


@dataclass(frozen=True)
class Quota:
    """``limit`` events of ``kind`` per key within ``window`` (a limit of 0 counts nothing);
    ``what`` words the events for the refusal ("comments", "wrong passwords")."""

    kind: str
    limit: int
    window: timedelta
    what: str


class Exceeded(Exception):
    """A quota is used up; ``retry_after`` is the whole seconds until one more is allowed."""

    def __init__(self, quota: Quota, retry_after: int):
        minutes = math.ceil(retry_after / 60)
        wait = f"{minutes} minutes" if minutes > 1 else "a minute"
        super().__init__(f"Too many {quota.what}. Try again in {wait}.")
        self.quota = quota
        self.retry_after = retry_after


def take(conn: Connection, quota: Quota, key: str, now: datetime) -> None:
    """Count one event of ``quota`` for ``key``, or raise :class:`Exceeded` (nothing counted)."""
    if quota.limit <= 0:
        return
    since = now - quota.window
    refused_by = rate_events.take(conn, quota.kind, key, now, since, quota.limit)
    if refused_by:
        freed_at = refused_by[len(refused_by) - quota.limit] + quota.window
        raise Exceeded(quota, max(1, math.ceil((freed_at - now).total_seconds())))
    rate_events.delete_before(conn, quota.kind, since)  # keeps the table a window long


def remaining(conn: Connection, quota: Quota, key: str, now: datetime) -> int:
    if quota.limit <= 0:
        return 1
    used = rate_events.count_since(conn, quota.kind, key, now - quota.window)
    return max(quota.limit - used, 0)


def forget(conn: Connection, quota: Quota, key: str) -> None:
    """Forget ``key``'s events of ``quota`` (a correct password clears its failures)."""
    rate_events.forget(conn, quota.kind, key)


def network_of(address: str) -> str:
    """The key a client address is counted under: IPv4 as is, IPv6 by its /64, anything that is
    not an address (a test client, a socket path) as given."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, IPV6_NETWORK), strict=False))
    return str(parsed)
