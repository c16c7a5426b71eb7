"""Papers readers watch (``watches``): the rows with their paper's version now, and the visible
comments of others written on them since a moment (their links: store/paper_links)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, String, and_, bindparam, delete, func, or_, select

from dailypapers.db.schema import comments, papers, users, watches
from dailypapers.store import rows as rows_store

_COLUMNS = (
    watches,
    papers.c.arxiv_id,
    papers.c.title,
    papers.c.version.label("paper_version"),
    papers.c.modified_at.label("paper_modified_at"),
)


def insert(conn: Connection, values: Mapping[str, Any]) -> int:
    return conn.execute(watches.insert().values(**values)).inserted_primary_key[0]


def get(conn: Connection, user_id: int, paper_id: int) -> dict[str, Any] | None:
    query = select(watches).where(watches.c.user_id == user_id, watches.c.paper_id == paper_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def remove(conn: Connection, user_id: int, paper_id: int) -> bool:
    """Whether there was such a watch."""
    query = delete(watches).where(watches.c.user_id == user_id, watches.c.paper_id == paper_id)
    return conn.execute(query).rowcount > 0


def count_of_user(conn: Connection, user_id: int) -> int:
    query = select(func.count()).select_from(watches).where(watches.c.user_id == user_id)
    return conn.execute(query).scalar_one()


def of_users(conn: Connection, user_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The watches of these users with their paper's arXiv id, title, version and
    ``paper_modified_at``: by owner, newest watch first."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return []
    query = (
        select(*_COLUMNS)
        .join(papers, papers.c.id == watches.c.paper_id)
        .where(watches.c.user_id.in_(wanted))
        .order_by(watches.c.user_id, watches.c.created_at.desc(), watches.c.id.desc())
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def comments_since(
    conn: Connection, user_id: int, since: Mapping[int, datetime], *, limit: int
) -> list[dict[str, Any]]:
    """The newest ``limit`` visible comments written on each paper of ``since`` at or after its
    moment (a whole second: SQLite's clock stamps comments to the second), by anyone but
    ``user_id``: id, paper_id, created_at, author's username; newest first."""
    if not since:
        return []
    after = or_(
        *(
            and_(comments.c.paper_id == paper_id, comments.c.created_at >= _second(conn, moment))
            for paper_id, moment in since.items()
        )
    )
    query = (
        select(
            comments.c.id,
            comments.c.paper_id,
            comments.c.created_at,
            users.c.username.label("author_username"),
        )
        .join(users, users.c.id == comments.c.author_id)
        .where(after, comments.c.hidden.is_(False), comments.c.author_id != user_id)
        .order_by(comments.c.created_at.desc(), comments.c.id.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def _second(conn: Connection, moment: datetime):
    """``moment`` to compare with a stamp of the database's clock. SQLite's are text to the
    second ("2026-01-01 09:00:00"), which sorts before that second written with microseconds:
    there the moment is text to the second too."""
    if conn.dialect.name != "sqlite":
        return moment
    text = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    return bindparam(None, text, type_=String)


def mark_seen(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Rows of ``id``, ``seen_at``, ``seen_version``, ``seen_links``: what a digest told its
    reader of each watch (a moment never moves back)."""
    rows_store.update_each(
        conn,
        watches,
        rows,
        ("seen_at", "seen_version", "seen_links"),
        unless=lambda bound: watches.c.seen_at <= bound["seen_at"],
    )
