"""Saved searches as alerts: each saved query runs through the search service, and the papers
stored since the search's watermark are its new matches.

Alerts run in keyword mode unless the search was saved with another: a mailed "match" should
contain what the reader asked for, while semantic neighbours exist for any query. The date filter
(published since a week before the watermark) keeps the search to recent papers, in the query.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.digest.compose import Paper
from dailypapers.search import service
from dailypapers.store import paper_scores

log = logging.getLogger(__name__)

CANDIDATES = 50  # results looked at per alert; the new ones among them are its matches
LOOKBACK = timedelta(days=7)  # papers published this long before the watermark may still match


class SearchRunner:
    def __init__(self, db: Database, settings: Settings, as_of: datetime):
        self.db = db
        self.settings = settings
        self.as_of = as_of

    def new_matches(self, saved: dict[str, Any], limit: int) -> list[Paper]:
        filters = saved.get("filters") or {}
        watermark = saved["watermark_at"]
        try:
            results = service.search(
                self.db,
                self.settings,
                saved["query"],
                mode=filters.get("mode", "keyword"),
                sort="relevance",
                category=filters.get("category") or None,
                date_from=(watermark - LOOKBACK).date(),
                limit=CANDIDATES,
            )
        except Exception:  # one broken alert must not stop a digest
            log.exception("saved search %s (%r) failed", saved["id"], saved["query"])
            return []
        ids = [item.paper_id for item in results.items]
        with self.db.read() as conn:
            rows = paper_scores.by_ids(conn, ids)
            stored = paper_scores.stored_at(conn, ids)
        fresh = [i for i in ids if i in rows and watermark < stored[i] <= self.as_of]
        return [Paper.from_row(rows[i]) for i in fresh[:limit]]
