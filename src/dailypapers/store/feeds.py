"""Feeds readers compose (``feeds``): their rows, and the ids of the papers a feed's criteria
match, newest arXiv date first, in one query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, cast, delete, func, not_, or_, select, update

from dailypapers.db.schema import feeds, paper_authors, papers, users, votes
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


def _may_have(min_upvotes: int):
    """A test the feed-order index answers alone, true of every paper with ``min_upvotes``:
    enough upstream upvotes, or a local vote. It spares counting the local votes of each paper
    walked (at 85k papers, "at least 50 upvotes" read 240 ms of vote counts, most of them 0)."""
    voted = select(votes.c.paper_id)
    return or_(papers.c.upstream_upvotes >= min_upvotes, papers.c.id.in_(voted))


def matching_ids(
    conn: Connection,
    *,
    categories: Sequence[str] = (),
    exclude_categories: Sequence[str] = (),
    author_keys: Sequence[str] = (),
    min_upvotes: int = 0,
    has_code: bool = False,
    among: Sequence[int] | None = None,
    stored_after: datetime | None = None,
    limit: int,
    offset: int = 0,
) -> list[int]:
    """Ids of the papers listing any of ``categories`` (when given) and none of
    ``exclude_categories``, with an author of one of ``author_keys`` (when given), at least
    ``min_upvotes`` upvotes (upstream + local), with a code link if ``has_code``, among
    ``among`` (when given) and stored after ``stored_after`` (when given): newest arXiv date
    first, then newest stored."""
    query = select(papers.c.id)
    if categories:
        query = query.where(_lists_any(categories))
    if exclude_categories:
        query = query.where(not_(_lists_any(exclude_categories)))
    if author_keys:
        theirs = select(paper_authors.c.paper_id).where(paper_authors.c.name_key.in_(author_keys))
        query = query.where(papers.c.id.in_(theirs))
    if min_upvotes > 0:
        query = query.where(_may_have(min_upvotes), min_upvotes <= UPVOTES)
    if has_code:
        query = query.where(_has_code(papers.c.id))
    if among is not None:
        query = query.where(papers.c.id.in_(list(among)))
    if stored_after is not None:
        query = query.where(papers.c.created_at > stored_after)
    query = query.order_by(_arxiv_date().desc(), papers.c.id.desc()).limit(limit).offset(offset)
    return list(conn.execute(query).scalars())


def advance_digest(conn: Connection, feed_ids: Sequence[int], watermark: datetime) -> None:
    """These feeds' matches stored up to ``watermark`` have been mailed (never moves back)."""
    ids = sorted(set(feed_ids))
    if ids:
        behind = or_(feeds.c.digest_watermark_at.is_(None), feeds.c.digest_watermark_at < watermark)
        conn.execute(
            update(feeds).where(feeds.c.id.in_(ids), behind).values(digest_watermark_at=watermark)
        )
