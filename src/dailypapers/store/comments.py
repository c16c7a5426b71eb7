"""Threaded comments on papers: the Markdown body as written, its sanitised HTML (rendered when
written), and its depth in its thread (0 at the top)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select, update

from dailypapers.db.schema import comments, users
from dailypapers.store.keys import chunks
from dailypapers.store.rows import inserted_id


def add(
    conn: Connection,
    paper_id: int,
    author_id: int,
    body: str,
    html: str,
    parent_id: int | None = None,
    depth: int = 0,
) -> int:
    """Store a comment (a reply when ``parent_id`` is given); returns its id."""
    row = {
        "paper_id": paper_id,
        "author_id": author_id,
        "body": body,
        "html": html,
        "parent_id": parent_id,
        "depth": depth,
    }
    return inserted_id(conn, comments, row)


def place(conn: Connection, comment_id: int) -> dict[str, Any] | None:
    """A comment's ``paper_id``, ``parent_id`` and ``depth``, or None."""
    query = select(comments.c.paper_id, comments.c.parent_id, comments.c.depth).where(
        comments.c.id == comment_id
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


# Comments with their author's names, as every reader of comments wants them.
_WITH_AUTHORS = select(
    comments,
    users.c.username.label("author_username"),
    users.c.fullname.label("author_fullname"),
).join(users, users.c.id == comments.c.author_id)


def get(conn: Connection, comment_id: int) -> dict[str, Any] | None:
    row = conn.execute(_WITH_AUTHORS.where(comments.c.id == comment_id)).mappings().first()
    return dict(row) if row else None


def with_ids(conn: Connection, comment_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """{id: the comment with its author's names} for those of ``comment_ids`` that exist."""
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(sorted(set(comment_ids))):
        for row in conn.execute(_WITH_AUTHORS.where(comments.c.id.in_(chunk))).mappings():
            found[row["id"]] = dict(row)
    return found


def outline(conn: Connection, paper_id: int) -> list[tuple[int, int | None]]:
    """(id, parent_id) of a paper's visible comments, oldest first: a thread's shape without
    its text, so a page can be chosen before any body is read."""
    query = (
        select(comments.c.id, comments.c.parent_id)
        .where(comments.c.paper_id == paper_id, comments.c.hidden.is_(False))
        .order_by(comments.c.created_at, comments.c.id)
    )
    return [(row.id, row.parent_id) for row in conn.execute(query)]


def count(conn: Connection, paper_id: int) -> int:
    query = (
        select(func.count())
        .select_from(comments)
        .where(comments.c.paper_id == paper_id, comments.c.hidden.is_(False))
    )
    return conn.execute(query).scalar_one()


def hide(conn: Connection, comment_id: int) -> None:
    """Take a comment off its paper (kept in the database; its replies stay shown)."""
    conn.execute(update(comments).where(comments.c.id == comment_id).values(hidden=True))


def without_html(conn: Connection, limit: int) -> list[tuple[int, str]]:
    """(id, body) of up to ``limit`` comments whose HTML was never stored."""
    query = (
        select(comments.c.id, comments.c.body)
        .where(comments.c.html.is_(None))
        .order_by(comments.c.id)
        .limit(limit)
    )
    return [(row.id, row.body) for row in conn.execute(query)]


def set_html(conn: Connection, comment_id: int, html: str) -> None:
    conn.execute(update(comments).where(comments.c.id == comment_id).values(html=html))
