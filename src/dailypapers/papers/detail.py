"""What a paper's page shows: its card, its feed entries and rank that day, its thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dailypapers.db.engine import Database
from dailypapers.papers import catalog, discussion
from dailypapers.papers.records import Card
from dailypapers.store import comments as comment_store
from dailypapers.store import feed as feed_store
from dailypapers.store import papers as paper_store


@dataclass
class Rank:
    position: int
    of: int
    day: date


@dataclass
class PaperView:
    paper: Card
    entries: list[dict[str, Any]] = field(default_factory=list)  # feed days, oldest first
    rank: Rank | None = None  # standing in the day it (last) entered the feed
    comments: list[discussion.Node] = field(default_factory=list)
    comment_count: int = 0

    @property
    def upvotes(self) -> int:
        return self.paper.upvotes

    @property
    def voted(self) -> bool:
        return self.paper.upvoted


def load(db: Database, arxiv_id: str, *, user_id: int | None = None) -> PaperView | None:
    """The view of the stored paper ``arxiv_id`` (a version-less id), or None."""
    with db.read() as conn:
        paper_id = paper_store.id_of(conn, arxiv_id)
        if paper_id is None:
            return None
        card = catalog.cards_in(conn, [paper_id], user_id=user_id)[0]
        entries = feed_store.entries_of_paper(conn, paper_id)
        rank = None
        if entries:
            day = entries[-1]["feed_day"]
            standing = feed_store.rank_in_day(conn, paper_id, day)
            if standing:
                rank = Rank(standing[0], standing[1], day)
        comments = discussion.comments_of(comment_store.for_paper(conn, paper_id))
    return PaperView(card, entries, rank, discussion.thread(comments), len(comments))
