"""Webhooks (``webhooks``): a reader's URLs a feed's new papers are posted to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from dailypapers.db.schema import webhooks


def insert(conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
    """Add a webhook; returns its row as stored."""
    statement = webhooks.insert().values(**row).returning(*webhooks.c)
    return dict(conn.execute(statement).mappings().one())


def count_for_user(conn: Connection, user_id: int) -> int:
    query = select(func.count()).select_from(webhooks).where(webhooks.c.user_id == user_id)
    return conn.execute(query).scalar_one()


def get(conn: Connection, webhook_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(webhooks).where(webhooks.c.id == webhook_id)).mappings().first()
    return dict(row) if row else None


def for_user(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    query = select(webhooks).where(webhooks.c.user_id == user_id).order_by(webhooks.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def active_for_feed(conn: Connection, feed_id: int) -> list[dict[str, Any]]:
    query = (
        select(webhooks)
        .where(webhooks.c.feed_id == feed_id, webhooks.c.state == "active")
        .order_by(webhooks.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def delete_one(conn: Connection, webhook_id: int) -> bool:
    """Remove a webhook and (by its foreign key) every delivery it still had."""
    return conn.execute(delete(webhooks).where(webhooks.c.id == webhook_id)).rowcount == 1


def stop(conn: Connection, webhook_id: int, reason: str) -> bool:
    """Stop an active webhook for ``reason`` (the receiver's answer); False if it was not."""
    statement = (
        update(webhooks)
        .where(webhooks.c.id == webhook_id, webhooks.c.state == "active")
        .values(state="stopped", stop_reason=reason[:1000])
    )
    return conn.execute(statement).rowcount == 1


def delivered(conn: Connection, webhook_id: int, now: datetime) -> None:
    statement = update(webhooks).where(webhooks.c.id == webhook_id).values(last_delivery_at=now)
    conn.execute(statement)


def active(conn: Connection) -> list[dict[str, Any]]:
    """Every active webhook, by feed: the ones a round of batching looks at."""
    query = (
        select(webhooks)
        .where(webhooks.c.state == "active")
        .order_by(webhooks.c.feed_id, webhooks.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def move_papers_since(conn: Connection, webhook_id: int, seen: datetime, to: datetime) -> bool:
    """Move an active webhook's ``papers_since`` from ``seen`` to ``to``; False if it is no
    longer ``seen`` (another process queued that batch) or the webhook stopped."""
    statement = (
        update(webhooks)
        .where(
            webhooks.c.id == webhook_id,
            webhooks.c.state == "active",
            webhooks.c.papers_since == seen,
        )
        .values(papers_since=to)
    )
    return conn.execute(statement).rowcount == 1
