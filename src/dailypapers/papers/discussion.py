"""Comments on papers: posting (and replying), deleting one's own, and a paper's thread.

What the site's forms and the API's comment endpoints both call. Bodies are stored as written
(Markdown); turning them into safe HTML is the page's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.papers.records import Comment
from dailypapers.papers.voting import PaperNotFound, resolve_id
from dailypapers.store import comments as comment_store
from dailypapers.store import papers as paper_store
from dailypapers.store.comments import MAX_BODY, InvalidComment

__all__ = [
    "MAX_BODY",
    "CommentNotFound",
    "Deleted",
    "InvalidComment",
    "Node",
    "NotYours",
    "PaperNotFound",
    "count",
    "delete",
    "may_delete",
    "post",
    "thread",
]


class CommentNotFound(LookupError):
    pass


class NotYours(PermissionError):
    """Only a comment's author (or an admin) may delete it."""


@dataclass
class Node:
    """A comment and its replies, oldest first."""

    comment: Comment
    replies: list[Node] = field(default_factory=list)


@dataclass(frozen=True)
class Deleted:
    comment: Comment
    arxiv_id: str
    comment_count: int  # the paper's visible comments after the deletion


def may_delete(user: User | None, comment: Comment) -> bool:
    """A comment's author, or an admin, may delete it."""
    return user is not None and (user.id == comment.author_id or user.is_admin)


def post(
    db: Database, user_id: int, arxiv_id: str, body: str, parent_id: int | None = None
) -> Comment:
    """Store a comment (a reply when ``parent_id`` is given).

    Raises PaperNotFound, or InvalidComment (empty, too long, or a parent on another paper).
    """
    key = resolve_id(arxiv_id)
    with db.write() as conn:
        paper_id = paper_store.id_of(conn, key)
        if paper_id is None:
            raise PaperNotFound(key)
        comment_id = comment_store.add(conn, paper_id, user_id, body or "", parent_id)
        return Comment.from_row(comment_store.get(conn, comment_id))


def delete(db: Database, user: User, comment_id: int) -> Deleted:
    """Delete ``user``'s comment (an admin may delete any). Its replies stay, shown on their
    own. Deleting twice is a no-op. Raises CommentNotFound or NotYours."""
    with db.write() as conn:
        row = comment_store.get(conn, comment_id)
        if row is None:
            raise CommentNotFound(comment_id)
        found = Comment.from_row(row)
        if not may_delete(user, found):
            raise NotYours(comment_id)
        comment_store.hide(conn, comment_id)
        arxiv_id = paper_store.arxiv_id_of(conn, found.paper_id)
        remaining = comment_store.count(conn, found.paper_id)
    return Deleted(found, arxiv_id, remaining)


def count(db: Database, paper_id: int) -> int:
    """The paper's visible comments."""
    with db.read() as conn:
        return comment_store.count(conn, paper_id)


def comments_of(rows: Iterable[Mapping[str, Any]]) -> list[Comment]:
    return [Comment.from_row(row) for row in rows]


def thread(comments: list[Comment]) -> list[Node]:
    """Nest a paper's comments (oldest first) under their parents.

    A reply whose parent is hidden or gone is shown at the top level rather than lost.
    """
    nodes = {c.id: Node(c) for c in comments}
    roots: list[Node] = []
    for comment in comments:
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.replies if parent else roots).append(nodes[comment.id])
    return roots
