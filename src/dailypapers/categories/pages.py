"""A category's page: the feed's day, week or month listing of the papers that list a category
(primary or cross-listed), and the overview of every category that has papers.

A category is found by its id in any case; an id arXiv does not list still has a page when
papers carry it. An id no paper in the feed has is None (the caller's 404).
"""

from __future__ import annotations

from collections import Counter

from dailypapers.categories.records import Archive, CategoryPage
from dailypapers.categories.taxonomy import (
    MAX_ID_LENGTH,
    Category,
    InvalidCategory,
    checked_id,
    lookup,
)
from dailypapers.db.engine import Database
from dailypapers.papers import listing
from dailypapers.papers.records import Counted
from dailypapers.store import feed as feed_store

__all__ = ["MAX_ID_LENGTH", "PERIODS", "InvalidCategory", "category_page", "checked_id", "overview"]

PAGE_SIZE = 50  # cards per page of a week or a month, as on the feed's own pages
MAX_PAGE = 10_000  # beyond any category's papers; keeps the SQL OFFSET sane
PERIODS = ("date", "week", "month")


def category_page(
    db: Database,
    category_id: str,
    *,
    period: tuple[str, str] | None = None,
    page: int = 1,
    viewer_id: int | None = None,
) -> CategoryPage | None:
    """Page ``page`` of the category's papers of ``period`` (``("date" | "week" | "month",
    label)``; default its newest day with papers), most upvoted first. None when no paper in the
    feed lists the category. Raises InvalidCategory, and listing.InvalidPeriod for a bad label."""
    category = lookup(category_id)
    if not _has_papers(db, category):
        return None
    options = {"user_id": viewer_id, "category": category.id}
    if period is None or period[0] == "date":
        when = listing.parse_day(period[1]) if period else None
        view = listing.day(db, when, **options)
    else:
        load = listing.week if period[0] == "week" else listing.month
        page = max(1, min(page, MAX_PAGE))
        view = load(db, period[1], limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **options)
    crossed = {card.arxiv_id for card in view.cards if not _is_primary(card.categories, category)}
    return CategoryPage(category, view, crossed)


def _is_primary(categories: list[str], category: Category) -> bool:
    return bool(categories) and categories[0].lower() == category.id.lower()


def _has_papers(db: Database, category: Category) -> bool:
    with db.read() as conn:
        return feed_store.newest_day(conn, category=category.id) is not None


def overview(db: Database) -> list[Archive]:
    """Every category some paper in the feed lists, with how many papers list it, grouped by
    archive; archives by id, their categories by most papers first, then by id."""
    counts: Counter[str] = Counter()
    with db.read() as conn:
        for categories in feed_store.category_lists(conn):
            counts.update({_canonical(c) for c in categories} - {None})
    archives: dict[str, Archive] = {}
    for category_id, papers in counts.items():
        category = lookup(category_id)
        archive = archives.setdefault(
            category.archive.lower(), Archive(category.archive, category.archive_name, [])
        )
        archive.categories.append(Counted(category, papers))
    for archive in archives.values():
        archive.categories.sort(key=lambda counted: (-counted.papers, counted.what.id))
    return sorted(archives.values(), key=lambda archive: archive.id)


def _canonical(category_id: str) -> str | None:
    """arXiv's spelling of a stored id, or None for text no id can be (never shown)."""
    try:
        return lookup(checked_id(category_id)).id
    except InvalidCategory:
        return None
