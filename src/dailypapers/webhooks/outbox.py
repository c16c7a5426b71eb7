"""Queuing a batch for a webhook: one delivery row per message, its body frozen as it will be
signed and sent, under a delivery id (a UUID) that stays the same on every attempt. What the
sender then does with the rows is :mod:`dailypapers.webhooks.sender`.

Making the batch (a feed's papers new since the webhook's last one) is
:mod:`dailypapers.webhooks.batching`'s, through :func:`enqueue_moving`."""

from __future__ import annotations

import uuid
from datetime import datetime

import orjson
from sqlalchemy import Connection

from dailypapers import background
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import webhook_deliveries as delivery_store
from dailypapers.store import webhooks as webhook_store
from dailypapers.webhooks import payloads
from dailypapers.webhooks.errors import NoSuchWebhook
from dailypapers.webhooks.records import Batch, Delivery

JOB = "webhooks"  # the sending job's name: queuing wakes it (background.wake)


def enqueue(
    db: Database, settings: Settings, webhook_id: int, batch: Batch, now: datetime
) -> list[str]:
    """Queue ``batch`` for webhook ``webhook_id`` in its format, due at ``now``; returns the
    delivery ids, one per message (none for an empty batch or a stopped webhook). The papers'
    links point at ``settings.base_url``. Raises :class:`NoSuchWebhook`."""
    with db.write() as conn:
        ids = _insert(conn, settings, webhook_id, batch, now)
    if ids:
        background.wake(JOB)  # this process's sender posts them now, not at its next look
    return ids


def enqueue_moving(
    db: Database,
    settings: Settings,
    webhook_id: int,
    batch: Batch,
    now: datetime,
    since: datetime,
    until: datetime,
) -> list[str]:
    """:func:`enqueue` with, in the same transaction, the webhook's ``papers_since`` moved
    from ``since`` to ``until``: nothing is queued (an empty list) when another process moved
    it first or the webhook stopped. An empty batch just moves it."""
    with db.write() as conn:
        if not webhook_store.move_papers_since(conn, webhook_id, since, until):
            return []
        ids = _insert(conn, settings, webhook_id, batch, now)
    if ids:
        background.wake(JOB)
    return ids


def _insert(
    conn: Connection, settings: Settings, webhook_id: int, batch: Batch, now: datetime
) -> list[str]:
    webhook = webhook_store.get(conn, webhook_id)
    if webhook is None:
        raise NoSuchWebhook(f"there is no webhook {webhook_id}")
    if webhook["state"] != "active":
        return []
    bodies = payloads.messages(batch, webhook["format"], base_url=settings.base_url)
    rows = [
        {
            "webhook_id": webhook_id,
            "delivery_id": str(uuid.uuid4()),
            "body": orjson.dumps(body).decode("utf-8"),
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": now,
            "queued_at": now,
            "updated_at": now,
        }
        for body in bodies
    ]
    delivery_store.insert(conn, rows)
    return [row["delivery_id"] for row in rows]


def deliveries(db: Database, webhook_id: int) -> list[Delivery]:
    """A webhook's deliveries, oldest first: what its owner or an operator looks at."""
    with db.read() as conn:
        return [Delivery.from_row(row) for row in delivery_store.for_webhook(conn, webhook_id)]
