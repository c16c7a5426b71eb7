"""Harvest bookkeeping: per source when it ran, why it failed, where to resume, who holds it.

Rows are keyed by ``source``: one per harvestable source (``upstream``, ``oai-pmh``,
``arxiv-api``) holding its schedule and lease, plus one per resumable list (e.g.
``oai-pmh:arXivRaw:cs``) whose ``cursor`` keeps the harvest parameters and resumption token.
A lease is taken with a conditional UPDATE, so of two workers only one gets it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, select, update

from dailypapers.db.schema import harvest_state
from dailypapers.store import leases


def ensure(conn: Connection, source: str) -> None:
    """Create the source's row unless it exists (safe when two workers race)."""
    leases.ensure_row(conn, harvest_state, source=source)


def get(conn: Connection, source: str) -> dict[str, Any] | None:
    row = (
        conn.execute(select(harvest_state).where(harvest_state.c.source == source))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def many(conn: Connection, sources: list[str]) -> dict[str, dict[str, Any]]:
    if not sources:
        return {}
    query = select(harvest_state).where(harvest_state.c.source.in_(sources))
    return {row["source"]: dict(row) for row in conn.execute(query).mappings()}


def claim(conn: Connection, source: str, owner: str, until: datetime, now: datetime) -> bool:
    """Take the source's lease unless another owner holds an unexpired one."""
    ensure(conn, source)
    row = harvest_state.c.source == source
    return leases.take(conn, harvest_state, row, owner, until, now, last_attempt_at=now)


def renew(conn: Connection, source: str, owner: str, until: datetime) -> bool:
    """Extend a lease we hold (after each page of a long harvest); False if it was lost."""
    result = conn.execute(
        update(harvest_state)
        .where(harvest_state.c.source == source, harvest_state.c.lease_owner == owner)
        .values(lease_until=until)
    )
    return result.rowcount == 1


def release(conn: Connection, source: str, owner: str) -> None:
    conn.execute(
        update(harvest_state)
        .where(harvest_state.c.source == source, harvest_state.c.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )


def finish(
    conn: Connection, source: str, *, now: datetime, next_run_at: datetime, error: str | None
) -> None:
    """Record the end of a run: success (``error`` None) or failure with its message."""
    values: dict[str, Any] = {"next_run_at": next_run_at, "last_error": error}
    if error is None:
        values["last_success_at"] = now
    conn.execute(update(harvest_state).where(harvest_state.c.source == source).values(values))


def save_cursor(conn: Connection, key: str, cursor: dict[str, Any] | None) -> None:
    ensure(conn, key)
    conn.execute(update(harvest_state).where(harvest_state.c.source == key).values(cursor=cursor))


def due(conn: Connection, sources: list[str], now: datetime) -> list[str]:
    """The sources never run or whose next run time has come, in the order given."""
    query = select(harvest_state.c.source).where(
        harvest_state.c.source.in_(sources),
        and_(harvest_state.c.next_run_at.is_not(None), harvest_state.c.next_run_at > now),
    )
    waiting = set(conn.execute(query).scalars())
    return [s for s in sources if s not in waiting]
