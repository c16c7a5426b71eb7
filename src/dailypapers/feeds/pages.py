"""A feed's page: the feed, one page of its papers, and for its owner the private address."""

from __future__ import annotations

from dataclasses import dataclass

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.feeds import matching, service
from dailypapers.feeds.records import Feed
from dailypapers.papers.records import Card


@dataclass(frozen=True)
class FeedPage:
    """Page ``page`` of ``feed``'s papers; ``mine`` when the viewer owns it, and then, for a
    private feed, the token of its reader address."""

    feed: Feed
    cards: list[Card]
    page: int
    has_next: bool
    mine: bool
    private_token: str | None = None


def feed_page(
    db: Database, settings: Settings, feed_id: int, *, viewer: User | None, page: int = 1
) -> FeedPage:
    """What the feed's page shows ``viewer``. Raises NoSuchFeed (also for a private feed that
    is not theirs)."""
    feed = service.readable(db, feed_id, viewer=viewer)
    viewer_id = viewer.id if viewer else None
    cards, more = matching.page_of(db, settings, feed, page=page, viewer_id=viewer_id)
    mine = viewer is not None and viewer.id == feed.user_id
    token = None
    if mine and feed.private:
        token = service.private_token(db, settings, viewer, feed.id)
    return FeedPage(feed, cards, page, more, mine, token)
