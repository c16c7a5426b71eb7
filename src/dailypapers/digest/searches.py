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
from dailypapers.digest.compose import Paper

log = logging.getLogger(__name__)

CANDIDATES = 50
LOOKBACK = timedelta(days=7)


def _search_function():  # noqa: ANN202 - the search package's entry point, when it is there
    try:
        from dailypapers.search.service import search
    except ImportError:
        return None
    return search


class SearchRunner:
    def __init__(self, db: Any, settings: Settings, as_of: datetime):
        self.db = db
        self.settings = settings
        self.as_of = as_of
        self.search = _search_function()
        self._warned = False

    def new_matches(self, saved: dict[str, Any], limit: int) -> list[Paper]:
        if self.search is None:
            if not self._warned:
                log.warning("saved-search alerts need dailypapers.search.service; skipped")
                self._warned = True
            return []
        from dailypapers.store import paper_scores

        filters = saved.get("filters") or {}
        watermark = saved["watermark_at"]
        try:
            results = self.search(
                self.db, self.settings, saved["query"], mode=filters.get("mode", "keyword"),
                sort="relevance", category=filters.get("category") or None,
                date_from=(watermark - LOOKBACK).date(), limit=CANDIDATES,
            )
        except Exception:  # noqa: BLE001 - one broken alert must not stop a digest
            log.exception("saved search %s (%r) failed", saved["id"], saved["query"])
            return []
        ids = [item.paper_id for item in results.items]
        with self.db.read() as conn:
            rows = paper_scores.by_ids(conn, ids)
            stored = paper_scores.stored_at(conn, ids)
        fresh = [i for i in ids if i in rows and watermark < stored[i] <= self.as_of]
        from dailypapers.digest.candidates import to_paper

        return [to_paper(rows[i]) for i in fresh[:limit]]
