"""What a paper's page shows: the paper, its votes, its feed entries and rank that day, its thread."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dailypapers.papers import discussion
from dailypapers.db.engine import Database
from dailypapers.store import comments as comment_store
from dailypapers.store import feed as feed_store
from dailypapers.store import papers as paper_store
from dailypapers.store import votes as vote_store


@dataclass
class Rank:
    position: int
    of: int
    day: date


@dataclass
class PaperView:
    paper: dict[str, Any]
    upvotes: int
    voted: bool
    entries: list[dict[str, Any]] = field(default_factory=list)  # feed days, oldest first
    rank: Rank | None = None  # standing in the day it (last) entered the feed
    comments: list[discussion.Node] = field(default_factory=list)
    comment_count: int = 0


def load(db: Database, arxiv_id: str, *, user_id: int | None = None) -> PaperView | None:
    """The view of the stored paper ``arxiv_id`` (a version-less id), or None."""
    with db.read() as conn:
        paper = paper_store.get(conn, arxiv_id)
        if paper is None:
            return None
        upvotes = paper["upstream_upvotes"] + vote_store.local_count(conn, paper["id"])
        voted = bool(vote_store.voted(conn, user_id, [paper["id"]]))
        entries = feed_store.entries_of_paper(conn, paper["id"])
        rank = None
        if entries:
            day = entries[-1]["feed_day"]
            standing = feed_store.rank_in_day(conn, paper["id"], day)
            if standing:
                rank = Rank(standing[0], standing[1], day)
        comments = comment_store.for_paper(conn, paper["id"])
    return PaperView(paper, upvotes, voted, entries, rank, discussion.thread(comments),
                     len(comments))
