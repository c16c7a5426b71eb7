"""Comments on papers: posting (and replying), deleting one's own, counting.

What the site's forms and the API's comment endpoints both call. A body is stored as written
(Markdown) beside its sanitised HTML, rendered once here when it is written, so no page view
parses Markdown (:mod:`dailypapers.papers.comment_markup`). A reply is stored at most
:data:`~dailypapers.papers.threads.MAX_DEPTH` deep; how a paper's threads are laid out for
reading is :mod:`dailypapers.papers.threads`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from dailypapers.accounts import quotas
from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.papers import comment_markup, threads
from dailypapers.papers.records import Comment
from dailypapers.papers.voting import PaperNotFound, resolve_id
from dailypapers.store import comments as comment_store
from dailypapers.store import papers as paper_store

__all__ = [
    "LIMITS",
    "MAX_BODY",
    "UNLIMITED",
    "CommentLimits",
    "CommentNotFound",
    "Deleted",
    "InvalidComment",
    "NotYours",
    "PaperNotFound",
    "ParentNotFound",
    "TooManyComments",
    "count",
    "delete",
    "may_delete",
    "place",
    "post",
    "store_missing_html",
]

MAX_BODY = 10_000  # characters: a long review fits; the API's and the form's bound too
# Comments rendered per transaction when storing the HTML of comments written before it was
# stored: short write locks, and few round trips.
HTML_BATCH = 200


class InvalidComment(ValueError):
    """Empty, too long, or replying to a comment that is not on the paper."""


class ParentNotFound(InvalidComment):
    """The comment replied to does not exist, or is on another paper."""


class CommentNotFound(LookupError):
    pass


class NotYours(PermissionError):
    """Only a comment's author (or an admin) may delete it."""


class TooManyComments(quotas.Exceeded):
    """The author posted too many comments lately; ``retry_after`` is the seconds to wait."""


@dataclass(frozen=True)
class CommentLimits:
    """How many comments one person may post (0: not counted).

    Five a minute lets someone answer several replies in a row, and stops a script pouring
    out a thread; thirty an hour is more than a lively discussion asks of anyone, and keeps a
    patient flooder to a page of threads an hour rather than burying a paper's discussion.
    """

    per_minute: int = 5
    per_hour: int = 30

    def as_quotas(self) -> tuple[quotas.Quota, ...]:
        return (
            quotas.Quota("comment_minute", self.per_minute, timedelta(minutes=1), "comments"),
            quotas.Quota("comment_hour", self.per_hour, timedelta(hours=1), "comments"),
        )


LIMITS = CommentLimits()  # what the site's forms and the API apply
UNLIMITED = CommentLimits(0, 0)  # for the operator's own scripts (benches, demos)


@dataclass(frozen=True)
class Deleted:
    comment: Comment
    arxiv_id: str
    comment_count: int  # the paper's visible comments after the deletion


def may_delete(user: User | None, comment: Comment) -> bool:
    """A comment's author, or an admin, may delete it."""
    return user is not None and (user.id == comment.author_id or user.is_admin)


def post(
    db: Database,
    user_id: int,
    arxiv_id: str,
    body: str,
    parent_id: int | None = None,
    *,
    limits: CommentLimits = LIMITS,
) -> Comment:
    """Store a comment (a reply when ``parent_id`` is given), with its HTML.

    A reply to a comment at the deepest level is stored as a reply to that comment's parent,
    so it is shown right below it. The author's quota is taken once the comment is known to be
    valid and before its Markdown is rendered, so a refused flood costs no rendering.

    Raises PaperNotFound, InvalidComment (empty or too long), ParentNotFound, or
    TooManyComments.
    """
    key = resolve_id(arxiv_id)
    text = _checked_body(body)
    with db.write() as conn:
        paper_id = paper_store.id_of(conn, key)
        if paper_id is None:
            raise PaperNotFound(key)
        parent_id, depth = _attachment(conn, paper_id, parent_id)
        _take_quotas(conn, limits, user_id)
    html = str(comment_markup.render(text))  # outside a transaction: no lock held meanwhile
    with db.write() as conn:
        comment_id = comment_store.add(conn, paper_id, user_id, text, html, parent_id, depth)
        return Comment.from_row(comment_store.get(conn, comment_id))


def _checked_body(body: str | None) -> str:
    text = (body or "").strip()
    if not text:
        raise InvalidComment("A comment cannot be empty.")
    if len(text) > MAX_BODY:
        raise InvalidComment(f"A comment is at most {MAX_BODY:,} characters.")
    return text


def _attachment(conn: Connection, paper_id: int, parent_id: int | None) -> tuple[int | None, int]:
    """(the parent a reply is stored under, its depth): the comment replied to, or its nearest
    ancestor above the deepest level."""
    if parent_id is None:
        return None, 0
    parent = comment_store.place(conn, parent_id)
    if parent is None or parent["paper_id"] != paper_id:
        raise ParentNotFound("The comment you replied to does not exist on this paper.")
    # Comments stored before depth was bounded can be deeper: climb to the deepest level.
    while parent["depth"] >= threads.MAX_DEPTH and parent["parent_id"] is not None:
        above = comment_store.place(conn, parent["parent_id"])
        if above is None:
            break
        parent_id, parent = parent["parent_id"], above
    return parent_id, min(parent["depth"] + 1, threads.MAX_DEPTH)


def _take_quotas(conn: Connection, limits: CommentLimits, user_id: int) -> None:
    now = datetime.now(UTC)
    try:
        for quota in limits.as_quotas():
            quotas.take(conn, quota, f"user:{user_id}", now)
    except quotas.Exceeded as exceeded:
        raise TooManyComments(exceeded.quota, exceeded.retry_after) from None


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


def place(db: Database, comment_id: int) -> threads.Place:
    """Which page of its paper's discussion shows the comment."""
    with db.read() as conn:
        found = comment_store.place(conn, comment_id)
        if found is None:
            return threads.Place(1)
        return threads.place_of(conn, found["paper_id"], comment_id)


def store_missing_html(db: Database) -> int:
    """Render and store the HTML of comments written before it was stored; returns how many.
    ``dailypapers db upgrade`` and every command that upgrades the database run it; safe to
    run in several processes at once (they store the same HTML)."""
    done = 0
    while True:
        with db.read() as conn:
            batch = comment_store.without_html(conn, HTML_BATCH)
        if not batch:
            return done
        rendered = [(comment_id, str(comment_markup.render(body))) for comment_id, body in batch]
        with db.write() as conn:
            for comment_id, html in rendered:
                comment_store.set_html(conn, comment_id, html)
        done += len(batch)
