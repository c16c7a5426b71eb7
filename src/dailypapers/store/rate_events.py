"""Rate-limit events: take one if fewer than a limit were taken lately, forget some, prune.

Taking is atomic per (kind, key): on PostgreSQL a transaction-scoped advisory lock on the key
serialises concurrent takers (without it two transactions could each count the other's row out
and both pass); on SQLite the write transaction (BEGIN IMMEDIATE) already does.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, func, select

from dailypapers.db.schema import rate_events

MAX_KEY = 320  # the column's length


def take(
    conn: Connection, kind: str, key: str, at: datetime, since: datetime, limit: int
) -> list[datetime]:
    """Record an event for (kind, key) at ``at`` unless ``limit`` were recorded after ``since``.
    Returns [] when taken, else the times of the recent events (oldest first) that refused it."""
    key = key[:MAX_KEY]
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"{kind}:{key}", 0))))
    times = list(
        conn.execute(
            select(rate_events.c.at)
            .where(rate_events.c.kind == kind, rate_events.c.key == key, rate_events.c.at > since)
            .order_by(rate_events.c.at)
            .limit(limit)
        ).scalars()
    )
    if len(times) >= limit:
        return times
    conn.execute(rate_events.insert().values(kind=kind, key=key, at=at))
    return []


def count_since(conn: Connection, kind: str, key: str, since: datetime) -> int:
    query = select(func.count()).where(
        rate_events.c.kind == kind, rate_events.c.key == key[:MAX_KEY], rate_events.c.at > since
    )
    return conn.execute(query).scalar_one()


def forget(conn: Connection, kind: str, key: str) -> None:
    """Delete the events of (kind, key): what a success does to its failures."""
    conn.execute(
        delete(rate_events).where(rate_events.c.kind == kind, rate_events.c.key == key[:MAX_KEY])
    )


def delete_before(conn: Connection, kind: str, before: datetime) -> int:
    query = delete(rate_events).where(rate_events.c.kind == kind, rate_events.c.at <= before)
    return conn.execute(query).rowcount
