"""arXiv ids a lookup found missing, and when: the negative cache of the papers' arXiv lookups."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dailypapers.db.schema import arxiv_misses


def checked_since(conn: Connection, arxiv_id: str, since: datetime) -> bool:
    """True when a lookup found ``arxiv_id`` missing after ``since``."""
    query = select(arxiv_misses.c.arxiv_id).where(
        arxiv_misses.c.arxiv_id == arxiv_id, arxiv_misses.c.checked_at > since
    )
    return conn.execute(query).first() is not None


def record(conn: Connection, arxiv_id: str, at: datetime) -> None:
    """Note that ``arxiv_id`` was missing at ``at`` (safe when two lookups race)."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = insert(arxiv_misses).values(arxiv_id=arxiv_id, checked_at=at)
    conn.execute(
        statement.on_conflict_do_update(index_elements=["arxiv_id"], set_={"checked_at": at})
    )


def delete_before(conn: Connection, before: datetime) -> int:
    """Forget misses checked before ``before`` (past the cache's lifetime)."""
    return conn.execute(delete(arxiv_misses).where(arxiv_misses.c.checked_at < before)).rowcount
