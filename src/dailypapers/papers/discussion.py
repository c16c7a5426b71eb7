"""Comments on papers: posting (and replying), and the thread a paper page shows.

What the site's forms and the API's comment endpoints both call. Bodies are stored as written
(Markdown); turning them into safe HTML is the page's job (``web/markup.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dailypapers.db.engine import Database
from dailypapers.store import comments as comment_store
from dailypapers.store import papers as paper_store
from dailypapers.store.comments import MAX_BODY, InvalidComment
from dailypapers.papers.voting import PaperNotFound, resolve_id

__all__ = ["MAX_BODY", "CommentNotFound", "InvalidComment", "NotYours", "PaperNotFound", "Node",
           "delete", "post", "thread"]


class CommentNotFound(LookupError):
    pass


class NotYours(PermissionError):
    """Only a comment's author (or an admin) may delete it."""


@dataclass
class Node:
    """A comment and its replies, oldest first."""

    comment: dict[str, Any]
    replies: list[Node] = field(default_factory=list)


def post(db: Database, user_id: int, arxiv_id: str, body: str,
         parent_id: int | None = None) -> dict[str, Any]:
    """Store a comment (a reply when ``parent_id`` is given); returns it with its author's name.

    Raises PaperNotFound, or InvalidComment (empty, too long, or a parent on another paper).
    """
    key = resolve_id(arxiv_id)
    with db.write() as conn:
        paper = paper_store.get(conn, key)
        if paper is None:
            raise PaperNotFound(key)
        comment_id = comment_store.add(conn, paper["id"], user_id, body or "", parent_id)
        return comment_store.get(conn, comment_id)


def delete(db: Database, user: dict[str, Any], comment_id: int) -> dict[str, Any]:
    """Delete ``user``'s comment (an admin may delete any); returns it as it was, with the
    paper's ``arxiv_id``. Its replies stay, shown on their own. Deleting twice is a no-op.

    Raises CommentNotFound (no such comment) or NotYours.
    """
    with db.write() as conn:
        found = comment_store.get(conn, comment_id)
        if found is None:
            raise CommentNotFound(comment_id)
        if found["author_id"] != user["id"] and not user.get("is_admin"):
            raise NotYours(comment_id)
        comment_store.hide(conn, comment_id)
        paper = paper_store.get_by_id(conn, found["paper_id"])
    return {**found, "arxiv_id": paper["arxiv_id"]}


def thread(comments: list[dict[str, Any]]) -> list[Node]:
    """Nest a paper's comments (oldest first) under their parents.

    A reply whose parent is hidden or gone is shown at the top level rather than lost.
    """
    nodes = {c["id"]: Node(c) for c in comments}
    roots: list[Node] = []
    for comment in comments:
        parent = nodes.get(comment["parent_id"]) if comment["parent_id"] else None
        (parent.replies if parent else roots).append(nodes[comment["id"]])
    return roots
