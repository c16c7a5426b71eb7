"""Webhook deliveries (``webhook_deliveries``): the webhooks' outbox, one row per message.

Each function is one conditional statement, so concurrent senders need nothing but the
database's row locks; webhooks/sender.py says what each outcome means:

    queued --claim--> sending --2xx--> delivered
       ^                 |--5xx, 429, timeout, no connection--> queued (later), or failed (too old)
       |                 |--3xx, other 4xx--> failed (and the webhook stopped)
       `--lease ran out--'   (the worker died: sent again, with the same delivery id)

A queued row of a stopped webhook --> cancelled. An HTTP POST has no commit point: a worker
killed after the receiver got the body but before it recorded the answer sends it again, so
delivery is at least once and the delivery id is how a receiver drops the repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, exists, func, or_, select, update

from dailypapers.db.schema import webhook_deliveries as deliveries
from dailypapers.db.schema import webhooks
from dailypapers.store import leases

_webhook_active = exists().where(
    webhooks.c.id == deliveries.c.webhook_id, webhooks.c.state == "active"
)


def _due(now: datetime):
    return or_(
        and_(deliveries.c.status == "queued", deliveries.c.next_attempt_at <= now),
        and_(deliveries.c.status == "sending", deliveries.c.lease_until < now),
    )


def insert(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(deliveries.insert(), list(rows))


def claim(
    conn: Connection, worker: str, now: datetime, lease_until: datetime, limit: int
) -> list[dict[str, Any]]:
    """Take up to ``limit`` due rows of active webhooks for ``worker``: queued ones whose time
    came, and ``sending`` ones whose worker's lease ran out. Each comes with its webhook's
    ``url``, ``format`` and ``secret``.

    """
    claimable = and_(_due(now), _webhook_active)
    claimed = leases.claim(
        conn, deliveries, claimable, worker=worker, now=now, lease_until=lease_until, limit=limit
    )
    ids = [r["id"] for r in claimed]
    if not ids:
        return []
    query = (
        select(deliveries, webhooks.c.url, webhooks.c.format, webhooks.c.secret)
        .join(webhooks, webhooks.c.id == deliveries.c.webhook_id)
        .where(deliveries.c.id.in_(ids))
        .order_by(deliveries.c.next_attempt_at, deliveries.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def has_due(conn: Connection, now: datetime) -> bool:
    """Whether a sender has anything to do now (one probe of the status index)."""
    query = select(deliveries.c.id).where(_due(now), _webhook_active).limit(1)
    return conn.execute(query).first() is not None


def _held(delivery_id: int, worker: str):
    """An UPDATE of the row that holds only while ``worker`` still owns it."""
    return update(deliveries).where(
        deliveries.c.id == delivery_id,
        deliveries.c.lease_owner == worker,
        deliveries.c.status == "sending",
    )


def _over(now: datetime) -> dict[str, Any]:
    return {"lease_owner": None, "lease_until": None, "updated_at": now}


def mark_delivered(
    conn: Connection, delivery_id: int, worker: str, status: int, now: datetime
) -> bool:
    statement = _held(delivery_id, worker).values(
        status="delivered", response_status=status, delivered_at=now, last_error=None, **_over(now)
    )
    return conn.execute(statement).rowcount == 1


def mark_retry(
    conn: Connection,
    delivery_id: int,
    worker: str,
    *,
    error: str,
    status: int | None,
    next_attempt_at: datetime,
    now: datetime,
) -> bool:
    statement = _held(delivery_id, worker).values(
        status="queued",
        last_error=error[:1000],
        response_status=status,
        next_attempt_at=next_attempt_at,
        **_over(now),
    )
    return conn.execute(statement).rowcount == 1


def mark_failed(
    conn: Connection,
    delivery_id: int,
    worker: str,
    *,
    error: str,
    status: int | None,
    now: datetime,
) -> bool:
    statement = _held(delivery_id, worker).values(
        status="failed", last_error=error[:1000], response_status=status, **_over(now)
    )
    return conn.execute(statement).rowcount == 1


def release(conn: Connection, delivery_ids: Sequence[int], worker: str, now: datetime) -> int:
    """Give back claimed rows this worker did not get to (no attempt is counted)."""
    return leases.release(conn, deliveries, delivery_ids, worker, now)


def cancel_stopped(conn: Connection, now: datetime) -> int:
    """Cancel what waits for a stopped webhook (rows a live worker holds are left to it)."""
    waiting = or_(
        deliveries.c.status == "queued",
        and_(deliveries.c.status == "sending", deliveries.c.lease_until < now),
    )
    statement = (
        update(deliveries).where(waiting, ~_webhook_active).values(status="cancelled", **_over(now))
    )
    return conn.execute(statement).rowcount


def for_webhook(conn: Connection, webhook_id: int) -> list[dict[str, Any]]:
    query = (
        select(deliveries).where(deliveries.c.webhook_id == webhook_id).order_by(deliveries.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def counts(conn: Connection) -> dict[str, int]:
    query = select(deliveries.c.status, func.count().label("n")).group_by(deliveries.c.status)
    return {row.status: row.n for row in conn.execute(query)}
