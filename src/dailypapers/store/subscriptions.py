"""Digest subscriptions: one row per mail address, double opt-in, preferences, unsubscribe.

``confirm_nonce`` is what a confirmation link must carry; confirming and unsubscribing replace
it (the caller makes the new one), so a link works once. ``confirmations_sent`` counts the
confirmation mails queued since the address last confirmed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select, update

from dailypapers.db.schema import outbox, subscriptions, users

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


def create(
    conn: Connection, email: str, nonce: str, now: datetime, **preferences: Any
) -> dict[str, Any]:
    values = {"content": list(DEFAULT_CONTENT), **preferences}
    inserted = conn.execute(
        subscriptions.insert().values(
            email=email, confirm_nonce=nonce, created_at=now, updated_at=now, **values
        )
    )
    return get(conn, inserted.inserted_primary_key[0])


def confirmation_queued(conn: Connection, subscription_id: int, nonce: str, now: datetime) -> None:
    """One more confirmation mail went to the queue, carrying ``nonce`` (kept if one was set)."""
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(
            confirmations_sent=subscriptions.c.confirmations_sent + 1,
            confirm_nonce=func.coalesce(subscriptions.c.confirm_nonce, nonce),
            updated_at=now,
        )
    )


def link_user(conn: Connection, subscription_id: int, user_id: int, now: datetime) -> None:
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(user_id=user_id, updated_at=now)
    )


def confirm(
    conn: Connection, subscription_id: int, nonce: str, new_nonce: str, now: datetime
) -> bool:
    """Confirm with the link carrying ``nonce``, which ``new_nonce`` replaces; False when that
    link is no longer good (used, or replaced). One conditional UPDATE, so of two clicks at
    once only one confirms."""
    statement = (
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id, subscriptions.c.confirm_nonce == nonce)
        .values(
            confirmed_at=now,
            unsubscribed_at=None,
            confirm_nonce=new_nonce,
            confirmations_sent=0,
            updated_at=now,
        )
    )
    return conn.execute(statement).rowcount == 1


def reopen(conn: Connection, subscription_id: int, now: datetime) -> None:
    """An unsubscribed address subscribes again: it needs a new confirmation first."""
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(confirmed_at=None, updated_at=now)
    )


def unsubscribe(conn: Connection, subscription_id: int, new_nonce: str, now: datetime) -> None:
    """Stop all mail to the address at once: queued digests are cancelled in the same transaction
    (a digest a worker already claimed is stopped at its commit point, see digest/worker.py),
    and ``new_nonce`` voids every confirmation link sent so far."""
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id, subscriptions.c.unsubscribed_at.is_(None))
        .values(unsubscribed_at=now, updated_at=now)
    )
    conn.execute(
        update(subscriptions)
        .where(subscriptions.c.id == subscription_id)
        .values(confirm_nonce=new_nonce)
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


# An account's data (votes, marks, alerts) may go into the digest of a subscription linked to it
# only while the account's verified address is the subscription's: otherwise the link is ignored.
_owner = and_(
    users.c.id == subscriptions.c.user_id,
    users.c.email_verified_at.is_not(None),
    func.lower(users.c.email) == func.lower(subscriptions.c.email),
)


def active(conn: Connection) -> list[dict[str, Any]]:
    """Confirmed subscriptions that did not unsubscribe: the ones digests are composed for. Their
    ``user_id`` is None unless the linked account has verified this very address."""
    columns = [c for c in subscriptions.c if c.name != "user_id"]
    query = (
        select(*columns, users.c.id.label("user_id"))
        .select_from(subscriptions.outerjoin(users, _owner))
        .where(
            and_(
                subscriptions.c.confirmed_at.is_not(None), subscriptions.c.unsubscribed_at.is_(None)
            )
        )
        .order_by(subscriptions.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
