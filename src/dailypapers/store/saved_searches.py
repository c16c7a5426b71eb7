"""Saved searches: a query plus filters kept as an alert, and how far its matches were mailed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, or_, select, update

from dailypapers.db.schema import saved_searches
from dailypapers.store.keys import chunks
from dailypapers.store.rows import inserted_id


def add(
    conn: Connection,
    query: str,
    filters: dict[str, Any],
    now: datetime,
    *,
    subscription_id: int | None = None,
    user_id: int | None = None,
) -> int:
    """Save a search (idempotent: the same query and filters for the same owner is one alert)."""
    if subscription_id is None and user_id is None:
        raise ValueError("a saved search belongs to a subscription or a user")
    owner = (
        saved_searches.c.subscription_id == subscription_id
        if subscription_id is not None
        else saved_searches.c.user_id == user_id
    )
    for row in conn.execute(
        select(saved_searches).where(owner, saved_searches.c.query == query)
    ).mappings():
        if row["filters"] == filters:
            return row["id"]
    owners = {"subscription_id": subscription_id, "user_id": user_id}
    row = {**owners, "query": query, "filters": filters, "watermark_at": now, "created_at": now}
    return inserted_id(conn, saved_searches, row)


def remove(
    conn: Connection,
    search_id: int,
    *,
    user_id: int | None = None,
    subscription_id: int | None = None,
) -> bool:
    """Delete a saved search of exactly this owner (a user, or else a subscription)."""
    if user_id is not None:
        owner = saved_searches.c.user_id == user_id
    elif subscription_id is not None:
        owner = saved_searches.c.subscription_id == subscription_id
    else:
        raise ValueError("say whose saved search to remove")
    statement = delete(saved_searches).where(saved_searches.c.id == search_id, owner)
    return conn.execute(statement).rowcount == 1


def for_owner(
    conn: Connection, *, user_id: int | None, subscription_id: int | None
) -> list[dict[str, Any]]:
    """The searches a subscription gets alerts for: its own and its account's."""
    conditions = []
    if user_id is not None:
        conditions.append(saved_searches.c.user_id == user_id)
    if subscription_id is not None:
        conditions.append(saved_searches.c.subscription_id == subscription_id)
    if not conditions:
        return []
    query = select(saved_searches).where(or_(*conditions)).order_by(saved_searches.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


def for_owners(
    conn: Connection, subscription_ids: Iterable[int], user_ids: Iterable[int]
) -> list[dict[str, Any]]:
    subs, users_ = sorted(set(subscription_ids)), sorted(set(user_ids))
    rows: dict[int, dict[str, Any]] = {}
    for column, wanted in (
        (saved_searches.c.subscription_id, subs),
        (saved_searches.c.user_id, users_),
    ):
        for chunk in chunks(wanted):
            query = select(saved_searches).where(column.in_(chunk))
            rows.update({r["id"]: dict(r) for r in conn.execute(query).mappings()})
    return [rows[k] for k in sorted(rows)]


def advance(conn: Connection, search_ids: Iterable[int], watermark: datetime) -> None:
    """Matches up to ``watermark`` have been mailed (never moves a watermark back)."""
    ids = sorted(set(search_ids))
    if ids:
        conn.execute(
            update(saved_searches)
            .where(saved_searches.c.id.in_(ids), saved_searches.c.watermark_at < watermark)
            .values(watermark_at=watermark)
        )
