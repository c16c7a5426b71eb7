"""A feed as a feed reader reads it: the feed (public, or private with its token) and its
newest papers."""

from __future__ import annotations

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.feeds import matching, service
from dailypapers.feeds.records import Feed
from dailypapers.papers.records import Card


def entries(
    db: Database, settings: Settings, feed_id: int, *, token: str | None, limit: int
) -> tuple[Feed, list[Card]]:
    """(the feed, its ``limit`` newest papers). A private feed needs its ``token``; raises
    NoSuchFeed otherwise, as for a missing one."""
    feed = service.readable(db, feed_id, token=token, settings=settings)
    return feed, matching.papers(db, settings, feed, limit=limit)
