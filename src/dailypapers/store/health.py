"""What an operator's checks read: a trivial query within a timeout, and how far the search
indexes are behind the papers. Counts a scrape can afford every few seconds: each reads one
index, never a join over every paper."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, literal, select

from dailypapers.db.schema import paper_embeddings, papers


def ping(conn: Connection, timeout_ms: int) -> None:
    """One trivial query, cancelled by PostgreSQL after ``timeout_ms`` (SQLite answers from a
    local file, or fails at once)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_ms)}")
    conn.execute(select(literal(1))).scalar_one()


def count_changed_after(conn: Connection, since: datetime | None) -> int:
    """Papers changed after ``since`` (every paper when None): one count on the index of
    ``modified_at``."""
    query = select(func.count()).select_from(papers)
    if since is not None:
        query = query.where(papers.c.modified_at > since)
    return conn.execute(query).scalar_one()


def count_without_embedding(conn: Connection) -> int:
    """Papers with no stored embedding: papers less embeddings (one row a paper), two counts.
    A paper whose text changed keeps its older embedding until the embedder redoes it."""
    stored = select(func.count()).select_from(paper_embeddings).scalar_subquery()
    every = select(func.count()).select_from(papers).scalar_subquery()
    return conn.execute(select(every - stored)).scalar_one()
