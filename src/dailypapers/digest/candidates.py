"""Gathers what :func:`dailypapers.digest.compose.compose` ranks, from the store.

One :class:`CandidateSource` serves a whole composing round: the feed windows (shared by every
reader with the same period), the readers' marks, votes and mailed papers are read once, in bulk.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from dailypapers.config import Settings
from dailypapers.digest import searches
from dailypapers.digest.compose import (
    Candidates,
    FeedMatches,
    Paper,
    Prefs,
    SearchMatches,
    rank_top,
    rank_trending,
)
from dailypapers.digest.feeds import FeedRunner
from dailypapers.digest.schedule import Period
from dailypapers.digest.watching import WatchRunner
from dailypapers.recommend import personal
from dailypapers.recommend.positives import positives_of
from dailypapers.store import mailed_papers as mailed_store
from dailypapers.store import paper_scores
from dailypapers.store import saved_searches as search_store

log = logging.getLogger(__name__)


# Papers per section of a digest: five a section keeps a mail of four sections readable in a
# minute, which is what a daily mail gets.
SECTION_SIZE = 5
# A feed's new papers read per digest: enough that SECTION_SIZE remain when earlier sections
# or earlier mails showed some of them.
FEED_CANDIDATES = 4 * SECTION_SIZE


def prefs_for(subscription: dict[str, Any], settings: Settings) -> Prefs:
    return Prefs(
        sections=tuple(subscription.get("content") or ()),
        top_count=SECTION_SIZE,
        trending_count=SECTION_SIZE,
        for_you_count=SECTION_SIZE,
        search_count=SECTION_SIZE,
    )


class CandidateSource:
    def __init__(
        self,
        conn: Connection,
        db: Any,
        settings: Settings,
        as_of: datetime,
        subscriptions: list[dict[str, Any]],
    ):
        self.conn = conn
        self.db = db
        self.settings = settings
        self.as_of = as_of
        ids = [s["id"] for s in subscriptions]
        user_ids = [s["user_id"] for s in subscriptions if s.get("user_id") is not None]
        self.mailed = mailed_store.for_subscriptions(conn, ids)
        self.positives = positives_of(conn, user_ids)
        self.searches: dict[tuple[str, int], list[dict[str, Any]]] = {}
        for search in search_store.for_owners(conn, ids, user_ids):
            if search["subscription_id"] is not None:
                self.searches.setdefault(("s", search["subscription_id"]), []).append(search)
            if search["user_id"] is not None:
                self.searches.setdefault(("u", search["user_id"]), []).append(search)
        self._windows: dict[tuple[date, date], list[Paper]] = {}
        self._ranked: dict[tuple, list[Paper]] = {}
        self.recommender = personal.Recommender(conn, settings, as_of, db)
        self.search_runner = searches.SearchRunner(db, settings, as_of)
        self.feed_runner = FeedRunner(conn, db, settings, user_ids)
        self.watch_runner = WatchRunner(conn, user_ids)

    def window(self, start: date, end: date) -> list[Paper]:
        key = (start, end)
        if key not in self._windows:
            rows = paper_scores.feed_papers(self.conn, start, end, self.as_of)
            self._windows[key] = [Paper.from_row(r) for r in rows]
        return self._windows[key]

    def top(self, period: Period) -> list[Paper]:
        key = ("top", period.start_day, period.end_day)
        if key not in self._ranked:
            self._ranked[key] = rank_top(self.window(period.start_day, period.end_day))
        return self._ranked[key]

    def trending(self, period: Period) -> list[Paper]:
        key = ("trending", period.trending_start, period.end_day, period.due_at)
        if key not in self._ranked:
            pool = self.window(period.trending_start, period.end_day)
            self._ranked[key] = rank_trending(pool, period.due_at)
        return self._ranked[key]

    def saved_searches_of(self, subscription: dict[str, Any]) -> list[dict[str, Any]]:
        found = {s["id"]: s for s in self.searches.get(("s", subscription["id"]), [])}
        if subscription.get("user_id") is not None:
            found.update(
                {s["id"]: s for s in self.searches.get(("u", subscription["user_id"]), [])}
            )
        return [found[k] for k in sorted(found)]

    def for_subscription(self, subscription: dict[str, Any], period: Period) -> Candidates:
        sections = set(subscription.get("content") or ())
        user_id = subscription.get("user_id")
        positives = self.positives.get(user_id) if user_id is not None else None
        mailed = self.mailed.get(subscription["id"], set())
        for_you: list[tuple[Paper, float]] = []
        if "for_you" in sections and positives is not None:
            picks = self.recommender.new(
                positives, exclude=set(mailed | positives.known), limit=SECTION_SIZE
            )
            for_you = [(Paper.from_row(r), s) for r, s in personal.rows_of(self.conn, picks)]
        matches: list[SearchMatches] = []
        if "searches" in sections:
            for search in self.saved_searches_of(subscription):
                found = self.search_runner.new_matches(search, SECTION_SIZE)
                if found:
                    matches.append(SearchMatches(query=search["query"], papers=found))
        feeds = [
            FeedMatches(feed.name, self.feed_runner.new_matches(feed, FEED_CANDIDATES))
            for feed in self.feed_runner.feeds_of(user_id)
        ]
        return Candidates(
            period_papers=self.top(period) if "top" in sections else (),
            trending_pool=self.trending(period) if "trending" in sections else (),
            for_you=for_you,
            searches=matches,
            feeds=feeds,
            watching=self.watch_runner.candidates(user_id),
            already_mailed=frozenset(mailed),
            known=positives.wanted if positives else frozenset(),
            not_interested=positives.unwanted if positives else frozenset(),
        )
