"""Votes: one per user per paper (the primary key enforces it), added to upstream counts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dailypapers.db.schema import papers, votes


def add(conn: Connection, user_id: int, paper_id: int) -> bool:
    """Record an upvote; False when this user had already voted (nothing changes then)."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(votes)
        .values(user_id=user_id, paper_id=paper_id)
        .on_conflict_do_nothing()
        .returning(votes.c.paper_id)  # rowcount is not reliable for INSERT on every driver
    )
    return conn.execute(statement).first() is not None


def remove(conn: Connection, user_id: int, paper_id: int) -> bool:
    statement = delete(votes).where(votes.c.user_id == user_id, votes.c.paper_id == paper_id)
    return conn.execute(statement).rowcount == 1


def local_count(conn: Connection, paper_id: int) -> int:
    query = select(func.count()).select_from(votes).where(votes.c.paper_id == paper_id)
    return conn.execute(query).scalar_one()


def total(conn: Connection, paper_id: int) -> int:
    """Upvotes shown for a paper: the upstream feed's count plus local votes."""
    upstream = conn.execute(
        select(papers.c.upstream_upvotes).where(papers.c.id == paper_id)
    ).scalar_one_or_none()
    return (upstream or 0) + local_count(conn, paper_id)


def voted(conn: Connection, user_id: int | None, paper_ids: Iterable[int]) -> set[int]:
    """Which of ``paper_ids`` the user upvoted (empty for anonymous readers)."""
    wanted = list(set(paper_ids))
    if user_id is None or not wanted:
        return set()
    query = select(votes.c.paper_id).where(votes.c.user_id == user_id, votes.c.paper_id.in_(wanted))
    return set(conn.execute(query).scalars())


def papers_voted_by(conn: Connection, user_id: int, *, limit: int = 100) -> list[dict[str, Any]]:
    """Papers a user upvoted, most recent vote first."""
    query = (
        select(papers, votes.c.created_at.label("voted_at"))
        .join(votes, votes.c.paper_id == papers.c.id)
        .where(votes.c.user_id == user_id)
        .order_by(votes.c.created_at.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
