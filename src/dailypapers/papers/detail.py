"""What a paper's page shows: its card, its feed entries and rank that day, a page of its
discussion."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dailypapers.db.engine import Database
from dailypapers.papers import catalog, threads
from dailypapers.papers.records import Card
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
    discussion: threads.Discussion  # the page of its comments shown
    entries: list[dict[str, Any]] = field(default_factory=list)  # feed days, oldest first
    rank: Rank | None = None  # standing in the day it (last) entered the feed

    @property
    def comment_count(self) -> int:
        return self.discussion.comment_count

    @property
    def upvotes(self) -> int:
        return self.paper.upvotes

    @property
    def voted(self) -> bool:
        return self.paper.upvoted


def load(
    db: Database,
    arxiv_id: str,
    *,
    user_id: int | None = None,
    page: int = 1,
    thread: int | None = None,
    showing: int | None = None,
) -> PaperView | None:
    """The view of the stored paper ``arxiv_id`` (a version-less id), or None, with page
    ``page`` of its discussion, or of the thread of comment ``thread``; ``showing`` (a comment's
    id) picks the page that shows that comment instead."""
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
        if showing is not None:
            place = threads.place_of(conn, paper_id, showing)
            page, thread = place.page, place.thread_id
        discussion = threads.load(conn, paper_id, page=page, thread=thread)
    return PaperView(card, discussion, entries, rank)
