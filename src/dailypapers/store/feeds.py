"""Feeds readers compose (``feeds``): their rows, and the ids of the papers a feed's criteria
match in one query: newest arXiv date first, or for a keyword feed in the search's order with
the search's full-text match."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    String,
    cast,
    delete,
    func,
    literal_column,
    not_,
    or_,
    select,
    union,
    update,
)

from dailypapers.db.schema import feeds, paper_authors, papers, users, votes
from dailypapers.store import search as search_store
from dailypapers.store.feed import UPVOTES
from dailypapers.store.paper_links import has_code as _has_code

_COLUMNS = (
    feeds,
    users.c.username.label("owner_username"),
    users.c.disabled_at.label("owner_disabled_at"),
)


def _rows(query) -> Any:
    return query.select_from(feeds.join(users, users.c.id == feeds.c.user_id))


def insert(conn: Connection, values: Mapping[str, Any]) -> int:
    return conn.execute(feeds.insert().values(**values)).inserted_primary_key[0]


def get(conn: Connection, feed_id: int) -> dict[str, Any] | None:
    """The feed's row with its owner's ``owner_username`` and ``owner_disabled_at``, or None."""
    row = conn.execute(_rows(select(*_COLUMNS)).where(feeds.c.id == feed_id)).mappings().first()
    return dict(row) if row else None


def of_user(conn: Connection, user_id: int) -> list[dict[str, Any]]:
    """A user's feeds, oldest first (the order they made them in)."""
    query = _rows(select(*_COLUMNS)).where(feeds.c.user_id == user_id).order_by(feeds.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def of_users(conn: Connection, user_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The feeds of these users, by owner then oldest first."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return []
    query = (
        _rows(select(*_COLUMNS))
        .where(feeds.c.user_id.in_(wanted))
        .order_by(feeds.c.user_id, feeds.c.id)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def count_of_user(conn: Connection, user_id: int) -> int:
    query = select(func.count()).select_from(feeds).where(feeds.c.user_id == user_id)
    return conn.execute(query).scalar_one()


def change(conn: Connection, feed_id: int, values: Mapping[str, Any]) -> None:
    conn.execute(update(feeds).where(feeds.c.id == feed_id).values(**values))


def remove(conn: Connection, feed_id: int) -> None:
    conn.execute(delete(feeds).where(feeds.c.id == feed_id))


# Which of a feed's criteria leads its query on SQLite (whose planner, without statistics,
# walks an index in the page's order however few papers a criterion keeps): a set of at most
# this many papers (an author's, "like"'s neighbours, a rare query's matches, the upvoted) is
# looked up and sorted, which costs in proportion to the set; otherwise the order's index is
# walked, testing each paper, until the page is full, which costs little when many papers
# match and up to reading every paper when few do. At 85k papers (CPU, loaded machine): 500
# looked up and sorted 3 ms, 2,000 10 ms, 8,000 29 ms; a walk testing every paper 60 ms.
LEAD_AT_MOST = 2_000


@dataclass(frozen=True)
class Criteria:
    """What a feed's papers must be: listing any of ``categories`` (when given) and none of
    ``exclude_categories``, with an author of one of ``author_keys`` (when given), at least
    ``min_upvotes`` upvotes (upstream + local), with a code link if ``has_code``, among
    ``among`` (when given) and stored after ``stored_after`` (when given)."""

    categories: Sequence[str] = ()
    exclude_categories: Sequence[str] = ()
    author_keys: Sequence[str] = ()
    min_upvotes: int = 0
    has_code: bool = False
    among: Sequence[int] | None = None
    stored_after: datetime | None = None


def _arxiv_date():
    return func.coalesce(papers.c.published_at, papers.c.created_at)


def _lists_any(categories: Sequence[str]):
    """The paper lists one of these category ids (any case; an archive id such as ``cs`` means
    each of its categories too). A text match on the JSON list, exact because the quotes
    delimit a whole id; callers pass validated ids (letters, dots and hyphens), so neither JSON
    nor LIKE needs escaping."""
    listed = func.lower(cast(papers.c.categories, String))
    tests = []
    for category in categories:
        tests.append(listed.like(f'%"{category.lower()}"%'))
        if "." not in category:
            tests.append(listed.like(f'%"{category.lower()}.%'))
    return or_(*tests)


def _may_have(min_upvotes: int, upstream):
    """A test the feed-order index answers alone, true of every paper with ``min_upvotes``:
    enough ``upstream`` upvotes, or a local vote. It spares counting the local votes of each
    paper walked (at 85k papers, "at least 50 upvotes" read 240 ms of vote counts, most 0)."""
    voted = select(votes.c.paper_id)
    return or_(upstream >= min_upvotes, papers.c.id.in_(voted))


def _upvoted(min_upvotes: int):
    """Ids of the papers that may have ``min_upvotes`` (see :func:`_may_have`), read from the
    upvotes index and the votes."""
    other = papers.alias("upvoted_paper")
    enough = select(other.c.id).where(other.c.upstream_upvotes >= min_upvotes)
    return union(enough, select(votes.c.paper_id))


def _count(conn: Connection, ids) -> int:
    """How many rows ``ids`` (a query) yields, counted up to :data:`LEAD_AT_MOST`."""
    capped = ids.limit(LEAD_AT_MOST).subquery()
    return conn.execute(select(func.count()).select_from(capped)).scalar_one()


def _few_upvoted(conn: Connection, min_upvotes: int) -> bool:
    """At most :data:`LEAD_AT_MOST` papers may have ``min_upvotes`` (two index reads)."""
    enough = select(papers.c.id).where(papers.c.upstream_upvotes >= min_upvotes)
    voted = select(votes.c.paper_id).distinct()
    return _count(conn, enough) + _count(conn, voted) < LEAD_AT_MOST


def _lead(conn: Connection, wanted: Criteria, match: str | None) -> str | None:
    """Which set of ids the papers are looked up by: ``among``, ``authors``, ``text`` (the
    query's matches) or ``upvotes``; None when no criterion is narrow enough (the order's index
    is then walked). PostgreSQL's planner knows how many papers each keeps, but for upvotes."""
    sqlite = conn.dialect.name == "sqlite"
    if wanted.among is not None and sqlite:
        return "among"
    if wanted.author_keys and sqlite:
        return "authors"
    if match is not None and sqlite:
        found = search_store.count_full_text(conn, match, search_store.Filters(), cap=LEAD_AT_MOST)
        if found < LEAD_AT_MOST:
            return "text"
    if wanted.min_upvotes > 0 and _few_upvoted(conn, wanted.min_upvotes):
        return "upvotes"  # PostgreSQL too: it guesses the upvotes test keeps most papers
    return None


def _where(query, conn: Connection, wanted: Criteria, lead: str | None):
    """``query`` (of papers) kept to the papers meeting ``wanted``. On SQLite only the set
    ``lead`` names can be an index lookup: the other tests are spelled "+ 0", which no index
    answers, so they are tested on each paper the lead's lookup or the order's walk reads."""
    sqlite = conn.dialect.name == "sqlite"

    def tested(column, leads: bool = False):
        return column if leads or not sqlite else column + 0

    if wanted.categories:
        query = query.where(_lists_any(wanted.categories))
    if wanted.exclude_categories:
        query = query.where(not_(_lists_any(wanted.exclude_categories)))
    if wanted.author_keys:
        theirs = select(paper_authors.c.paper_id).where(
            paper_authors.c.name_key.in_(wanted.author_keys)
        )
        query = query.where(tested(papers.c.id, lead == "authors").in_(theirs))
    if wanted.min_upvotes > 0:
        upstream = tested(papers.c.upstream_upvotes)
        query = query.where(_may_have(wanted.min_upvotes, upstream), wanted.min_upvotes <= UPVOTES)
        if lead == "upvotes":
            query = query.where(papers.c.id.in_(_upvoted(wanted.min_upvotes)))
    if wanted.has_code:
        query = query.where(_has_code(papers.c.id))
    if wanted.among is not None:
        query = query.where(tested(papers.c.id, lead == "among").in_(list(wanted.among)))
    if wanted.stored_after is not None:
        query = query.where(papers.c.created_at > wanted.stored_after)
    return query


def matching_ids(conn: Connection, wanted: Criteria, *, limit: int, offset: int = 0) -> list[int]:
    """Ids of the papers meeting ``wanted``: newest arXiv date first, then newest stored."""
    lead = _lead(conn, wanted, None)
    query = _where(select(papers.c.id), conn, wanted, lead)
    query = query.order_by(_arxiv_date().desc(), papers.c.id.desc()).limit(limit).offset(offset)
    return list(conn.execute(query).scalars())


@dataclass(frozen=True)
class Words:
    """A search's text test: papers matching the expression ``match`` (when given) and not
    ``exclude`` (when given), on days ``day_from`` to ``day_to`` (inclusive; None: no bound)."""

    match: str | None
    exclude: str | None = None
    day_from: date | None = None
    day_to: date | None = None


def matching_text_ids(
    conn: Connection, wanted: Criteria, words: Words, *, limit: int, offset: int = 0
) -> list[int]:
    """Ids of the papers meeting ``wanted`` and ``words``: in the search's order newest first
    (the paper's day, then newest stored)."""
    lead = _lead(conn, wanted, words.match)
    query = _where(select(papers.c.id), conn, wanted, lead)
    if words.match is not None:
        looked_up = lead == "text"
        query = query.where(search_store.text_matches(conn, words.match, looked_up=looked_up))
    if words.exclude is not None:
        query = query.where(not_(search_store.text_matches(conn, words.exclude, looked_up=False)))
    day = literal_column(search_store.paper_day_sql(conn, "papers"))
    if words.day_from is not None:
        query = query.where(day >= search_store.day_bound(conn, words.day_from))
    if words.day_to is not None:
        day_after = words.day_to + timedelta(days=1)
        query = query.where(day < search_store.day_bound(conn, day_after))
    newest = day.desc() if conn.dialect.name == "sqlite" else day.desc().nulls_last()
    query = query.order_by(newest, papers.c.id.desc()).limit(limit).offset(offset)
    return list(conn.execute(query).scalars())


def advance_digest(conn: Connection, feed_ids: Sequence[int], watermark: datetime) -> None:
    """These feeds' matches stored up to ``watermark`` have been mailed (never moves back)."""
    ids = sorted(set(feed_ids))
    if ids:
        behind = or_(feeds.c.digest_watermark_at.is_(None), feeds.c.digest_watermark_at < watermark)
        conn.execute(
            update(feeds).where(feeds.c.id.in_(ids), behind).values(digest_watermark_at=watermark)
        )
