"""Threaded comments on papers. Bodies are stored as written (Markdown) and rendered on output."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select, update

from dailypapers.db.schema import comments, users

MAX_BODY = 10_000


class InvalidComment(ValueError):
    pass


def add(
    conn: Connection, paper_id: int, author_id: int, body: str, parent_id: int | None = None
) -> int:
    """Store a comment (a reply when ``parent_id`` is given); returns its id."""
    body = body.strip()
    if not body:
        raise InvalidComment("A comment cannot be empty.")
    if len(body) > MAX_BODY:
        raise InvalidComment(f"A comment is at most {MAX_BODY:,} characters.")
    if parent_id is not None:
        parent_paper = conn.execute(
            select(comments.c.paper_id).where(comments.c.id == parent_id)
        ).scalar_one_or_none()
        if parent_paper != paper_id:
            raise InvalidComment("The comment you replied to does not exist on this paper.")
    inserted = conn.execute(
        comments.insert().values(
            paper_id=paper_id, author_id=author_id, body=body, parent_id=parent_id
        )
    )
    return inserted.inserted_primary_key[0]


# Comments with their author's names, as every reader of comments wants them.
_WITH_AUTHORS = select(
    comments,
    users.c.username.label("author_username"),
    users.c.fullname.label("author_fullname"),
).join(users, users.c.id == comments.c.author_id)


def get(conn: Connection, comment_id: int) -> dict[str, Any] | None:
    row = conn.execute(_WITH_AUTHORS.where(comments.c.id == comment_id)).mappings().first()
    return dict(row) if row else None


def for_paper(conn: Connection, paper_id: int) -> list[dict[str, Any]]:
    """All visible comments of a paper, oldest first, with their author's names."""
    query = _WITH_AUTHORS.where(
        comments.c.paper_id == paper_id, comments.c.hidden.is_(False)
    ).order_by(comments.c.created_at, comments.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


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
