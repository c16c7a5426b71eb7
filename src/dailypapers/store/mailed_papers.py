"""Which papers a subscription has already been mailed, so "for you" never repeats one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from dailypapers.db.schema import mailed_papers
from dailypapers.store.keys import sets_by


def rows_for(
    subscription_id: int, outbox_id: int, paper_ids: Iterable[int], now: datetime
) -> list[dict]:
    return [
        {
            "subscription_id": subscription_id,
            "paper_id": p,
            "outbox_id": outbox_id,
            "mailed_at": now,
        }
        for p in dict.fromkeys(paper_ids)
    ]


def record(conn: Connection, rows: list[dict]) -> None:
    """Insert rows made by :func:`rows_for` (several digests' at once)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(mailed_papers).on_conflict_do_nothing(), rows)


def for_subscriptions(conn: Connection, subscription_ids: Iterable[int]) -> dict[int, set[int]]:
    """{subscription id: ids of the papers mailed to it}."""
    column = mailed_papers.c
    return sets_by(conn, column.subscription_id, column.paper_id, subscription_ids)
