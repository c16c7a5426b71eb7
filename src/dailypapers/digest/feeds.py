"""Readers' feeds (:mod:`dailypapers.feeds`) as sections of their digest: each feed's papers
stored since its digest watermark, which the composing round moves on once the digest is in the
outbox (as saved searches' do). A feed is its reader's choice already: its section comes
whatever sections the subscription picked."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection

from dailypapers.config import Settings
from dailypapers.digest.compose import Paper
from dailypapers.feeds import matching
from dailypapers.feeds.records import Feed
from dailypapers.papers.records import Card
from dailypapers.store import feeds as feed_store

log = logging.getLogger(__name__)


def paper_of(card: Card) -> Paper:
    return Paper(
        id=card.id,
        arxiv_id=card.arxiv_id,
        title=card.title,
        authors=tuple(card.authors or ()),
        abstract=card.abstract or "",
        upvotes=card.upvotes,
        entered_at=card.submitted_at,
        github_repo=card.github_repo,
    )


class FeedRunner:
    """The feeds of one composing round's readers, read once, and their new papers."""

    def __init__(self, conn: Connection, db: Any, settings: Settings, user_ids: list[int]):
        self.db = db
        self.settings = settings
        self.by_user: dict[int, list[Feed]] = {}
        for row in feed_store.of_users(conn, user_ids):
            self.by_user.setdefault(row["user_id"], []).append(Feed.from_row(row))

    def feeds_of(self, user_id: int | None) -> list[Feed]:
        return self.by_user.get(user_id, []) if user_id is not None else []

    def new_matches(self, feed: Feed, limit: int) -> list[Paper]:
        since = feed.digest_watermark_at or feed.created_at
        try:
            cards = matching.new_papers_of(self.db, self.settings, feed, since, limit=limit)
        except Exception:  # one broken feed must not stop a digest
            log.exception("feed %s (%r) failed", feed.id, feed.name)
            return []
        return [paper_of(card) for card in cards]
