"""The daily feed: which paper entered it on which day, who submitted it, upstream vote counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, bindparam, func, select, tuple_, update

from dailypapers.db.schema import feed_entries, papers


def entries_for(conn: Connection, paper_ids: Iterable[int]) -> dict[tuple[int, Any], dict]:
    """Existing entries of these papers keyed by (paper_id, feed_day)."""
    wanted = list(set(paper_ids))
    found: dict[tuple[int, Any], dict] = {}
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        query = select(feed_entries).where(feed_entries.c.paper_id.in_(chunk))
        for row in conn.execute(query).mappings():
            found[(row["paper_id"], row["feed_day"])] = dict(row)
    return found


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(feed_entries.insert(), list(rows))


def update_upstream_counts(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of ``id``, ``upstream_upvotes``, ``upstream_comments``, ``submitter_id``."""
    if not rows:
        return
    statement = (
        update(feed_entries)
        .where(feed_entries.c.id == bindparam("_id"))
        .values(
            upstream_upvotes=bindparam("v_upvotes"),
            upstream_comments=bindparam("v_comments"),
            submitter_id=bindparam("v_submitter"),
        )
    )
    conn.execute(
        statement,
        [
            {
                "_id": r["id"],
                "v_upvotes": r["upstream_upvotes"],
                "v_comments": r["upstream_comments"],
                "v_submitter": r["submitter_id"],
            }
            for r in rows
        ],
    )


def refresh_paper_upvotes(conn: Connection, paper_ids: Iterable[int]) -> None:
    """Set papers.upstream_upvotes to the highest count any of their feed entries reported."""
    wanted = list(set(paper_ids))
    best = (
        select(func.coalesce(func.max(feed_entries.c.upstream_upvotes), 0))
        .where(feed_entries.c.paper_id == papers.c.id)
        .scalar_subquery()
    )
    for start in range(0, len(wanted), 900):
        chunk = wanted[start : start + 900]
        conn.execute(update(papers).where(papers.c.id.in_(chunk)).values(upstream_upvotes=best))


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(feed_entries)).scalar_one()


def has_entry(conn: Connection, paper_id: int, feed_day) -> bool:  # noqa: ANN001
    query = select(feed_entries.c.id).where(
        tuple_(feed_entries.c.paper_id, feed_entries.c.feed_day) == (paper_id, feed_day)
    )
    return conn.execute(query).first() is not None
