"""Digest subscriptions: one row per mail address, double opt-in, preferences, unsubscribe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select, update

from dailypapers.db.schema import outbox, subscriptions

DEFAULT_CONTENT = ["top", "trending", "for_you", "searches"]


def get(conn: Connection, subscription_id: int) -> dict[str, Any] | None:
    query = select(subscriptions).where(subscriptions.c.id == subscription_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def get_by_email(conn: Connection, email: str) -> dict[str, Any] | None:
    query = select(subscriptions).where(func.lower(subscriptions.c.email) == email.lower())
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def for_user(conn: Connection, user_id: int) -> dict[str, Any] | None:
    query = select(subscriptions).where(subscriptions.c.user_id == user_id)
    row = conn.execute(query.order_by(subscriptions.c.id)).mappings().first()
    return dict(row) if row else None


def create(conn: Connection, email: str, now: datetime, **preferences: Any) -> dict[str, Any]:
    values = {"content": list(DEFAULT_CONTENT), **preferences}
    inserted = conn.execute(
        subscriptions.insert().values(email=email, created_at=now, updated_at=now, **values)
    )
    return get(conn, inserted.inserted_primary_key[0])


def link_user(conn: Connection, subscription_id: int, user_id: int, now: datetime) -> None:
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(user_id=user_id, updated_at=now)
    )


def confirm(conn: Connection, subscription_id: int, now: datetime) -> None:
    """Confirm (again): a confirmed link also brings back an address that had unsubscribed."""
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(confirmed_at=now, unsubscribed_at=None, updated_at=now)
    )


def reopen(conn: Connection, subscription_id: int, now: datetime) -> None:
    """An unsubscribed address subscribes again: it needs a new confirmation first."""
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(confirmed_at=None, updated_at=now)
    )


def unsubscribe(conn: Connection, subscription_id: int, now: datetime) -> None:
    """Stop all mail to the address at once: queued digests are cancelled in the same transaction
    (a digest a worker already claimed is stopped at its commit point, see digest/worker.py)."""
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id, subscriptions.c.unsubscribed_at.is_(None))
        .values(unsubscribed_at=now, updated_at=now)
    )
    conn.execute(
        update(outbox)
        .where(outbox.c.subscription_id == subscription_id, outbox.c.status == "queued")
        .values(status="cancelled", updated_at=now)
    )


def update_preferences(
    conn: Connection, subscription_id: int, now: datetime, **preferences: Any
) -> None:
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(updated_at=now, **preferences)
    )


def active(conn: Connection) -> list[dict[str, Any]]:
    """Confirmed subscriptions that did not unsubscribe: the ones digests are composed for."""
    query = (
        select(subscriptions)
        .where(
            and_(
                subscriptions.c.confirmed_at.is_not(None), subscriptions.c.unsubscribed_at.is_(None)
            )
        )
        .order_by(subscriptions.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
