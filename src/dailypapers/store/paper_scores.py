"""What digests rank: the papers that entered the feed in a window, with their vote counts.

A paper's upvotes are the count imported from the upstream feed plus the local votes (as of a
moment, so a digest composed for a past moment with ``--as-of`` counts what was there then).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, or_, select

from dailypapers.db.schema import feed_entries, papers, votes
from dailypapers.store.keys import chunks, sets_by

# Abstracts are cut for mail; the full text stays one click away.
_ABSTRACT_CHARS = 600
# What a mail shows of a paper (upstream_upvotes becomes part of its ``upvotes``).
_MAIL_COLUMNS = (
    papers.c.id,
    papers.c.arxiv_id,
    papers.c.title,
    papers.c.authors,
    func.substr(papers.c.abstract, 1, _ABSTRACT_CHARS).label("abstract"),
    papers.c.github_repo,
    papers.c.upstream_upvotes,
)


def feed_papers(
    conn: Connection, start_day: date, end_day: date, as_of: datetime
) -> list[dict[str, Any]]:
    """Papers whose feed day falls in ``[start_day, end_day)`` and that were submitted by
    ``as_of``, one row each with ``upvotes``, ``entered_at`` (earliest entry) and ``feed_day``."""
    local_votes = (
        select(func.count())
        .select_from(votes)
        .where(votes.c.paper_id == papers.c.id, votes.c.created_at <= as_of)
        .scalar_subquery()
    )
    query = (
        select(
            *_MAIL_COLUMNS,
            func.min(feed_entries.c.submitted_at).label("entered_at"),
            func.min(feed_entries.c.feed_day).label("feed_day"),
            local_votes.label("local_votes"),
        )
        .join(papers, papers.c.id == feed_entries.c.paper_id)
        .where(
            feed_entries.c.feed_day >= start_day,
            feed_entries.c.feed_day < end_day,
            feed_entries.c.submitted_at <= as_of,
        )
        .group_by(papers.c.id)
    )
    rows = []
    for row in conn.execute(query).mappings():
        item = dict(row)
        item["upvotes"] = int(item.pop("upstream_upvotes") or 0) + int(item.pop("local_votes") or 0)
        if isinstance(item["entered_at"], str):  # SQLite's min() returns the stored text
            item["entered_at"] = datetime.fromisoformat(item["entered_at"])
        if isinstance(item["feed_day"], str):
            item["feed_day"] = date.fromisoformat(item["feed_day"])
        if item["entered_at"].tzinfo is None:
            item["entered_at"] = item["entered_at"].replace(tzinfo=as_of.tzinfo)
        rows.append(item)
    return rows


def by_ids(conn: Connection, paper_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Mail-sized rows (cut abstract) of these papers, keyed by id."""
    wanted = sorted(set(paper_ids))
    found: dict[int, dict[str, Any]] = {}
    for chunk in chunks(wanted):
        query = select(*_MAIL_COLUMNS, papers.c.published_at).where(papers.c.id.in_(chunk))
        for row in conn.execute(query).mappings():
            item = dict(row)
            item["upvotes"] = int(item.pop("upstream_upvotes") or 0)
            found[item["id"]] = item
    return found


def voted_by(conn: Connection, user_ids: Iterable[int]) -> dict[int, set[int]]:
    """{user id: ids of the papers they upvoted}."""
    return sets_by(conn, votes.c.user_id, votes.c.paper_id, user_ids)


def recent_paper_ids(conn: Connection, since: datetime, until: datetime, limit: int) -> list[int]:
    """Ids of papers first published in ``(since, until]`` (or, for arXiv listing dumps that carry
    no date, listed on a day in it), newest first: the "for you" pool."""
    query = (
        select(papers.c.id)
        .where(
            or_(
                and_(papers.c.published_at > since, papers.c.published_at <= until),
                and_(
                    papers.c.published_at.is_(None),
                    papers.c.listed_on > since.date(),
                    papers.c.listed_on <= until.date(),
                ),
            )
        )
        .order_by(papers.c.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query).scalars())


def stored_at(conn: Connection, paper_ids: Iterable[int]) -> dict[int, datetime]:
    """When each paper was first stored here (what saved-search watermarks compare with)."""
    wanted = sorted(set(paper_ids))
    found: dict[int, datetime] = {}
    for chunk in chunks(wanted):
        query = select(papers.c.id, papers.c.created_at).where(papers.c.id.in_(chunk))
        found.update({r.id: r.created_at for r in conn.execute(query)})
    return found


def newest_published(conn: Connection) -> datetime | None:
    """The newest first-publication time, or the end of the newest listing day, stored."""
    published = conn.execute(select(func.max(papers.c.published_at))).scalar_one_or_none()
    listed = conn.execute(select(func.max(papers.c.listed_on))).scalar_one_or_none()
    if isinstance(listed, str):
        listed = date.fromisoformat(listed)
    if listed is not None:
        end_of_listing = datetime.combine(listed, datetime.max.time(), tzinfo=UTC)
        published = max(published, end_of_listing) if published else end_of_listing
    return published
