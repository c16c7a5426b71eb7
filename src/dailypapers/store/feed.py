"""The daily feed: which paper entered it on which day, who submitted it, upstream vote counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, String, cast, exists, func, select, tuple_, update

from dailypapers.db.schema import comments, feed_entries, papers, users, votes
from dailypapers.store import rows as rows_store
from dailypapers.store.keys import chunks
from dailypapers.store.paper_links import has_code as _has_code


def entries_for(conn: Connection, paper_ids: Iterable[int]) -> dict[tuple[int, Any], dict]:
    """Existing entries of these papers keyed by (paper_id, feed_day)."""
    wanted = list(set(paper_ids))
    found: dict[tuple[int, Any], dict] = {}
    for chunk in chunks(wanted):
        query = select(feed_entries).where(feed_entries.c.paper_id.in_(chunk))
        for row in conn.execute(query).mappings():
            found[(row["paper_id"], row["feed_day"])] = dict(row)
    return found


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(feed_entries.insert(), list(rows))


def update_upstream_counts(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of ``id``, ``upstream_upvotes``, ``upstream_comments``, ``submitter_id``."""
    rows_store.update_each(
        conn, feed_entries, rows, ("upstream_upvotes", "upstream_comments", "submitter_id")
    )


def refresh_paper_upvotes(conn: Connection, paper_ids: Iterable[int]) -> None:
    """Set papers.upstream_upvotes to the highest count any of their feed entries reported."""
    wanted = list(set(paper_ids))
    best = (
        select(func.coalesce(func.max(feed_entries.c.upstream_upvotes), 0))
        .where(feed_entries.c.paper_id == papers.c.id)
        .scalar_subquery()
    )
    for chunk in chunks(wanted):
        conn.execute(update(papers).where(papers.c.id.in_(chunk)).values(upstream_upvotes=best))


def submitted_on(conn: Connection, user_id: int, day: date) -> int:
    """Papers ``user_id`` submitted to the feed (locally) on ``day``."""
    query = (
        select(func.count())
        .select_from(feed_entries)
        .where(
            feed_entries.c.submitter_id == user_id,
            feed_entries.c.source == "local",
            feed_entries.c.feed_day == day,
        )
    )
    return conn.execute(query).scalar_one()


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(feed_entries)).scalar_one()


def has_entry(conn: Connection, paper_id: int, feed_day) -> bool:
    query = select(feed_entries.c.id).where(
        tuple_(feed_entries.c.paper_id, feed_entries.c.feed_day) == (paper_id, feed_day)
    )
    return conn.execute(query).first() is not None


# -- reading the feed: the cards of a day / week / month / trending window -----------------------

LOCAL_VOTES = (
    select(func.count())
    .select_from(votes)
    .where(votes.c.paper_id == papers.c.id)
    .correlate(papers)
    .scalar_subquery()
)
LOCAL_COMMENTS = (
    select(func.count())
    .select_from(comments)
    .where(comments.c.paper_id == papers.c.id, comments.c.hidden.is_(False))
    .correlate(papers)
    .scalar_subquery()
)
UPVOTES = (papers.c.upstream_upvotes + LOCAL_VOTES).label("upvotes")
submitter = users.alias("submitter")

CARD_COLUMNS = (
    feed_entries.c.id.label("entry_id"),
    feed_entries.c.feed_day,
    feed_entries.c.submitted_at,
    feed_entries.c.upstream_comments,
    feed_entries.c.source.label("entry_source"),
    submitter.c.id.label("submitter_id"),
    submitter.c.username.label("submitter_username"),
    submitter.c.fullname.label("submitter_fullname"),
    submitter.c.avatar_url.label("submitter_avatar_url"),
    submitter.c.upstream_id.label("submitter_upstream_id"),
    papers,
    UPVOTES,
    LOCAL_COMMENTS.label("num_comments"),
)


@dataclass(frozen=True, slots=True)
class Entries:
    """Which feed entries a listing reads: ``start <= feed_day <= end`` (None: no bound),
    submitted by ``submitter_id``, of papers listing ``category``, with a code link if
    ``has_code``."""

    start: date | None = None
    end: date | None = None
    submitter_id: int | None = None
    category: str | None = None
    has_code: bool = False

    def only(self, query):
        """``query`` (of feed entries) kept to these entries."""
        # No bound at all (not date.min..date.max) for the whole feed, so the planner can walk
        # the submitted_at index instead of a range of feed_day.
        if self.start is not None and self.start > date.min:
            query = query.where(feed_entries.c.feed_day >= self.start)
        if self.end is not None and self.end < date.max:
            query = query.where(feed_entries.c.feed_day <= self.end)
        if self.submitter_id is not None:
            query = query.where(feed_entries.c.submitter_id == self.submitter_id)
        if self.category is not None:
            query = query.where(_has_category(self.category))
        if self.has_code:
            query = query.where(_has_code(feed_entries.c.paper_id))
        return query


def _has_category(category: str):
    """The entry's paper lists ``category`` (any case). A text match on the JSON list
    ('"cs.cl"' inside '["cs.CL", "cs.AI"]') works alike on both backends and is exact: the
    quotes delimit a whole id. Callers pass ids of letters, dots and hyphens only, so neither
    JSON nor LIKE needs escaping."""
    listed = func.lower(cast(_listing_paper.c.categories, String))
    return exists().where(
        _listing_paper.c.id == feed_entries.c.paper_id, listed.like(f'%"{category.lower()}"%')
    )


# Its own alias, so the test correlates with the entry alone in queries that join papers too.
_listing_paper = papers.alias("listing_paper")


def cards(
    conn: Connection,
    entries: Entries,
    *,
    order: str = "upvotes",
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The ``entries`` joined with their paper, upvote count (upstream + local) and comment
    count. ``order``: ``upvotes`` (most first) or ``submitted`` (newest first); both break ties
    by arXiv id so pages are stable."""
    query = entries.only(
        select(*CARD_COLUMNS)
        .join(papers, papers.c.id == feed_entries.c.paper_id)
        .outerjoin(submitter, submitter.c.id == feed_entries.c.submitter_id)
    )
    if order == "upvotes":
        query = query.order_by(UPVOTES.desc(), feed_entries.c.submitted_at, papers.c.arxiv_id)
    elif order == "submitted":
        query = query.order_by(feed_entries.c.submitted_at.desc(), papers.c.arxiv_id)
    else:
        raise ValueError(f"unknown order {order!r}")
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [dict(row) for row in conn.execute(query).mappings()]


def count_cards(conn: Connection, entries: Entries) -> int:
    return conn.execute(entries.only(select(func.count()).select_from(feed_entries))).scalar_one()


def newest_day(
    conn: Connection,
    *,
    on_or_before: date | None = None,
    category: str | None = None,
    has_code: bool = False,
) -> date | None:
    entries = Entries(category=category, has_code=has_code)
    query = entries.only(select(func.max(feed_entries.c.feed_day)))
    if on_or_before is not None:
        query = query.where(feed_entries.c.feed_day <= on_or_before)
    return _as_date(conn.execute(query).scalar_one())


def neighbour_days(
    conn: Connection, day: date, *, category: str | None = None, has_code: bool = False
) -> tuple[date | None, date | None]:
    """The nearest feed days before and after ``day`` that have entries (skipping empty days),
    of papers listing ``category`` if given, with a code link if ``has_code``."""
    entries = Entries(category=category, has_code=has_code)
    # One round trip for both (each side is an index lookup on feed_day).
    day_column = feed_entries.c.feed_day
    before = entries.only(select(func.max(day_column)).where(day_column < day)).scalar_subquery()
    after = entries.only(select(func.min(day_column)).where(day_column > day)).scalar_subquery()
    row = conn.execute(select(before.label("before"), after.label("after"))).one()
    return _as_date(row.before), _as_date(row.after)


def _as_date(value):
    """A scalar subquery's result loses its column type on SQLite (ISO text comes back)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def entries_of_paper(conn: Connection, paper_id: int) -> list[dict[str, Any]]:
    """A paper's feed entries (usually one), oldest first, with the submitter's name."""
    query = (
        select(
            feed_entries,
            submitter.c.username.label("submitter_username"),
            submitter.c.fullname.label("submitter_fullname"),
        )
        .outerjoin(submitter, submitter.c.id == feed_entries.c.submitter_id)
        .where(feed_entries.c.paper_id == paper_id)
        .order_by(feed_entries.c.feed_day)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def rank_in_day(conn: Connection, paper_id: int, day: date) -> tuple[int, int] | None:
    """(position by upvotes, papers that day) of a paper in one feed day, or None."""
    # The order of cards(conn, Entries(day, day)), selecting ids only (no JSON columns to decode).
    query = (
        select(papers.c.id)
        .select_from(feed_entries)
        .join(papers, papers.c.id == feed_entries.c.paper_id)
        .where(feed_entries.c.feed_day == day)
        .order_by(UPVOTES.desc(), feed_entries.c.submitted_at, papers.c.arxiv_id)
    )
    ordered = list(conn.execute(query).scalars())
    if paper_id not in ordered:
        return None
    return ordered.index(paper_id) + 1, len(ordered)


def cards_of_papers(conn: Connection, paper_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Cards of these papers keyed by paper id, in the feed or not (feed columns are then None).
    A paper that entered the feed on several days gets the card of its first day."""
    wanted = list(set(paper_ids))
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(wanted):
        query = (
            select(*CARD_COLUMNS)
            .select_from(papers)
            .outerjoin(feed_entries, feed_entries.c.paper_id == papers.c.id)
            .outerjoin(submitter, submitter.c.id == feed_entries.c.submitter_id)
            .where(papers.c.id.in_(chunk))
            .order_by(feed_entries.c.feed_day.desc())
        )
        for row in conn.execute(query).mappings():
            found[row["id"]] = dict(row)  # rows come latest day first: the first day wins
    return found


def category_lists(conn: Connection) -> list[list[str]]:
    """The category list of every paper in the feed (once per paper): counted by the caller,
    since unpacking JSON lists in SQL differs between the backends."""
    in_feed = exists().where(feed_entries.c.paper_id == papers.c.id)
    return [row[0] for row in conn.execute(select(papers.c.categories).where(in_feed))]
