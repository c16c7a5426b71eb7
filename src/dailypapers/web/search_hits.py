"""Search results as feed cards with highlight segments, for the search API and search feeds.

The ranking itself is the search issue's (:func:`dailypapers.search.service.search`); this module
puts a pasted arXiv id or URL first (the upstream contract promises it even where the search
backend might rank it lower), loads the cards of the hits in the search's order, and pairs them
with the ``(text, is_match)`` highlight segments the search returns. Without a query it answers
the newest papers, which is what the official client's ``list_papers()`` without a query expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dailypapers import arxiv_ids
from dailypapers.papers import catalog
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import papers as paper_store


class SearchUnavailable(RuntimeError):
    """No search backend in this build: answered as 503, never as a crash."""


@dataclass
class Hit:
    card: dict[str, Any]
    title_segments: list[tuple[str, bool]] | None = None
    summary_segments: list[tuple[str, bool]] | None = None


@dataclass(frozen=True)
class Filters:
    """What the search page lets a reader choose beside the query (its URL's parameters)."""

    mode: str = "hybrid"
    sort: str = "relevance"
    category: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def search(db: Database, settings: Settings, query: str, *, limit: int,
           user_id: int | None = None, filters: Filters | None = None) -> list[Hit]:
    query = query.strip()
    filters = filters or Filters()
    if not query and not filters.category:
        page, _ = catalog.newest(db, limit)
        ids = [card["id"] for card in page]
        return [Hit(card) for card in catalog.cards(db, ids, user_id=user_id)]

    try:
        from dailypapers.search import service  # the search issue's module
    except ImportError:
        raise SearchUnavailable("search is not installed in this build") from None

    items: list[Any] = []
    while len(items) < limit:  # the service answers at most service.MAX_LIMIT at a time
        page = service.search(db, settings, query, mode=filters.mode, sort=filters.sort,
                              date_from=filters.date_from, date_to=filters.date_to,
                              category=filters.category,
                              limit=min(limit - len(items), service.MAX_LIMIT),
                              offset=len(items))
        items.extend(page.items)
        if not page.items or not page.has_more:
            break
    order: list[int] = []
    marks: dict[int, tuple[Any, Any]] = {}
    direct = _direct_hit(db, query)
    if direct is not None:
        order.append(direct)
    for item in items:
        paper_id = item.paper_id
        if paper_id not in marks:
            marks[paper_id] = (item.title_highlights, item.abstract_highlights)
            if paper_id != direct:
                order.append(paper_id)
    cards = catalog.cards(db, order[:limit], user_id=user_id)
    return [Hit(card, *marks.get(card["id"], (None, None))) for card in cards]


def _direct_hit(db: Database, query: str) -> int | None:
    """The stored paper a query names by arXiv id or URL, if any."""
    try:
        key = arxiv_ids.normalise(query)
    except arxiv_ids.InvalidArxivId:
        return None
    with db.read() as conn:
        paper = paper_store.get(conn, key)
    return paper["id"] if paper else None
