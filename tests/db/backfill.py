"""A backfill migration's check, made one way: papers stored at the revision before it, the
migration run, what it filled read back; then the migration undone and done again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, insert, select

from dailypapers.db import Database, migrate
from dailypapers.db.schema import papers

# What a paper row needs besides what a test says of it.
PAPER = {"title": "A paper", "authors": ["A"], "categories": ["cs.LG"], "content_hash": "0" * 32,
         "source": "test"}  # fmt: skip


def backfilled(
    store: Database, before: str, rows: list[dict[str, Any]], filled: Table, *columns: str
) -> list[tuple]:
    """Store ``rows`` (papers) at revision ``before``, migrate to the head, and give back the
    (arxiv_id, *columns) rows of table ``filled`` (its columns by name) by paper and position.
    The migration must also go down to ``before`` and up again."""
    migrate.upgrade(store, before)
    with store.write() as conn:
        conn.execute(insert(papers), [{**PAPER, **row} for row in rows])
    migrate.upgrade(store)
    with store.read() as conn:
        found = conn.execute(
            select(papers.c.arxiv_id, *(filled.c[name] for name in columns))
            .join(papers, papers.c.id == filled.c.paper_id)
            .order_by(papers.c.arxiv_id, filled.c.position)
        ).all()
    migrate.downgrade(store, before)
    migrate.upgrade(store)
    assert migrate.is_up_to_date(store)
    return [tuple(row) for row in found]
