"""The papers of a feed, newest first: one page for its page, Atom/RSS and JSON, and those
stored since a moment for its digest section and its webhooks.

Categories, exclusions, authors, upvotes and "has code" are one indexed SQL query (the store's
``matching_ids``). ``like`` goes through the search service in semantic mode: its nearest
papers, which that query then keeps to. ``query`` means what the search in keyword mode newest
first finds (the feed's categories as ``cat:`` filters): the service spells it for the store,
and one query of the store (``matching_text_ids``) applies it with the other criteria, led by
the one that keeps fewest papers, so a narrow feed reads no search results it then drops. Only
when the search would answer otherwise (a query naming a paper; words no paper has together,
which it ranks) are its results read page by page and the other criteria applied to them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from dailypapers import days
from dailypapers.accounts.records import User
from dailypapers.authors.names import key as name_key
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.feeds import service as feed_service
from dailypapers.feeds.records import Definition, Feed, NoSuchFeed
from dailypapers.papers import catalog
from dailypapers.papers.records import Card
from dailypapers.search import service
from dailypapers.store import feeds as feed_store

PAGE_SIZE = 30  # papers per page of a feed, as on an author's page
MAX_PAGE = 1_000  # beyond any feed a reader pages through; keeps OFFSET sane
# A keyword feed whose query the search answers itself (see _searched_ids) reads the search's
# results at most this many at a time (its largest page), at least a page's worth, and at most
# SEARCH_PAGES times per feed page: enough when the other criteria keep one candidate in forty;
# a feed narrower than that shows fewer papers rather than scanning the whole store.
SEARCH_BATCH = service.MAX_LIMIT
SEARCH_PAGES = 10
SMALLEST_BATCH = 30  # a page's worth
# "Papers like this text": its nearest papers, by cosine, ordered newest first. A hundred is
# what a reader recognises as "like" it; further down the neighbours stop resembling the text.
NEIGHBOURS = 100
# "Like this text" among the papers stored since a moment: its nearest among those published
# this long before it (late listings), or the store's oldest papers would crowd out the new. The
# keyword side needs no such bound: it reads newest first and keeps what was stored since.
LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class _Window:
    limit: int
    offset: int = 0
    stored_after: datetime | None = None
    date_from: date = days.FIRST_DAY


def papers(
    db: Database,
    settings: Settings,
    feed: Feed | Definition,
    *,
    limit: int = PAGE_SIZE,
    offset: int = 0,
    viewer_id: int | None = None,
) -> list[Card]:
    """``limit`` of the feed's papers from ``offset``, newest first; ``viewer_id`` marks the
    reader's upvotes. Ask one more than you show to learn whether another page follows."""
    definition = feed.definition if isinstance(feed, Feed) else feed
    offset = max(0, min(offset, MAX_PAGE * PAGE_SIZE))
    ids = _ids(db, settings, definition, _Window(max(1, limit), offset))
    return catalog.cards(db, ids, user_id=viewer_id)


def feed_papers(
    db: Database,
    settings: Settings,
    feed_id: int,
    *,
    viewer: User | None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> list[Card]:
    """:func:`papers` of feed ``feed_id`` if ``viewer`` may read it. Raises NoSuchFeed."""
    feed = feed_service.readable(db, feed_id, viewer=viewer)
    return papers(db, settings, feed, limit=limit, offset=offset, viewer_id=viewer and viewer.id)


def page_of(
    db: Database,
    settings: Settings,
    feed: Feed | Definition,
    *,
    page: int = 1,
    viewer_id: int | None = None,
) -> tuple[list[Card], bool]:
    """Page ``page`` of :data:`PAGE_SIZE` papers, and whether another page follows."""
    page = max(1, min(page, MAX_PAGE))
    found = papers(
        db, settings, feed, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE, viewer_id=viewer_id
    )
    return found[:PAGE_SIZE], len(found) > PAGE_SIZE


def new_papers(
    db: Database, settings: Settings, feed_id: int, since: datetime, *, limit: int
) -> list[Card]:
    """Up to ``limit`` papers matching feed ``feed_id`` that were stored after ``since``,
    newest first. Raises NoSuchFeed. (No reader check: for the owner's digest and webhooks.)"""
    with db.read() as conn:
        row = feed_store.get(conn, feed_id)
    if row is None:
        raise NoSuchFeed(feed_id)
    return new_papers_of(db, settings, Feed.from_row(row), since, limit=limit)


def new_papers_of(
    db: Database, settings: Settings, feed: Feed, since: datetime, *, limit: int
) -> list[Card]:
    """:func:`new_papers` of a feed already read."""
    window = _Window(limit, 0, since, days.clamp((since - LOOKBACK).date()))
    return catalog.cards(db, _ids(db, settings, feed.definition, window))


def _criteria(definition: Definition) -> feed_store.Criteria:
    return feed_store.Criteria(
        categories=definition.categories,
        exclude_categories=definition.exclude_categories,
        author_keys=[k for k in (name_key(a) for a in definition.authors) if k],
        min_upvotes=definition.min_upvotes,
        has_code=definition.has_code,
    )


def _ids(db: Database, settings: Settings, definition: Definition, window: _Window) -> list[int]:
    criteria = replace(_criteria(definition), stored_after=window.stored_after)
    near = _neighbours(db, settings, definition, window) if definition.like else None
    if not definition.query:
        with db.read() as conn:
            return feed_store.matching_ids(
                conn, replace(criteria, among=near), limit=window.limit, offset=window.offset
            )
    text = _text(db, settings, definition)
    if text is not None:
        categories = definition.categories or text.categories  # else the query's cat:
        with db.read() as conn:
            found = feed_store.matching_text_ids(
                conn,
                replace(criteria, categories=categories, among=near),
                feed_store.Words(text.match, text.exclude, text.date_from, text.date_to),
                limit=window.limit,
                offset=window.offset,
            )
        if found or window.offset or _text(db, settings, definition, confirm=True) is not None:
            return found
    # The search answers otherwise: a paper's id, or words no paper has together (ranked).
    return _searched_ids(db, settings, definition, window, criteria, near)


def _text(db: Database, settings: Settings, definition: Definition, *, confirm: bool = False):
    """What the feed's query keeps, as :func:`_keyword` searches it (see service.text_match)."""
    return service.text_match(
        db,
        settings,
        _with_categories(definition.query, definition),
        date_from=days.FIRST_DAY,
        has_code=definition.has_code,
        confirm=confirm,
    )


def _searched_ids(
    db: Database,
    settings: Settings,
    definition: Definition,
    window: _Window,
    criteria: feed_store.Criteria,
    near: list[int] | None,
) -> list[int]:
    """The query's search results, page after page, that the other criteria keep."""
    wanted, found, read = window.offset + window.limit, [], 0
    allowed = set(near) if near is not None else None
    for batch in range(SEARCH_PAGES):
        size = _batch_size(wanted - len(found)) if batch == 0 else SEARCH_BATCH
        matched = _keyword(db, settings, definition, read, size)
        read += len(matched)
        candidates = [i for i in matched if allowed is None or i in allowed]
        if candidates:
            with db.read() as conn:
                kept = set(
                    feed_store.matching_ids(
                        conn, replace(criteria, among=candidates), limit=len(candidates)
                    )
                )
            found += [i for i in candidates if i in kept]
        if len(found) >= wanted or len(matched) < size:  # full, or the search's last
            break
    return found[window.offset : wanted]


def _batch_size(missing: int) -> int:
    """The search's matches to read first: those missing, which costs least when the other
    criteria keep them all, and at least :data:`SMALLEST_BATCH`; once the criteria have
    dropped some, batches are the largest."""
    return max(SMALLEST_BATCH, min(missing, SEARCH_BATCH))


def _with_categories(text: str, definition: Definition) -> str:
    return " ".join([text, *(f"cat:{c}" for c in definition.categories)])


def _keyword(
    db: Database, settings: Settings, definition: Definition, offset: int, limit: int
) -> list[int]:
    """``limit`` of the query's matches from ``offset``, newest first (categories as ``cat:``
    filters)."""
    if offset > service.MAX_OFFSET:
        return []
    return service.paper_ids(
        db,
        settings,
        _with_categories(definition.query, definition),
        mode="keyword",
        sort="newest",
        date_from=days.FIRST_DAY,  # a date filter lets a query of exclusions alone run
        has_code=definition.has_code,  # the search's own filter: no batch of codeless matches
        limit=limit,
        offset=offset,
    )


def _neighbours(
    db: Database, settings: Settings, definition: Definition, window: _Window
) -> list[int]:
    """The papers nearest ``like`` (within the feed's categories), nearest first."""
    return service.paper_ids(
        db,
        settings,
        _with_categories(definition.like, definition),
        mode="semantic",
        date_from=window.date_from,
        limit=NEIGHBOURS,
    )
