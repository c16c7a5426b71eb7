"""What a feed view shows: a day, an ISO week, a month, or what is trending.

The HTML pages (``/papers/date/...``) and the JSON API (``/api/daily_papers?date=...``) both call
these functions, so a page and its API answer always agree. Parsing of the period parameters lives
here too, with messages fit to show to the person who typed the URL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict, Unpack

from sqlalchemy import Connection

from dailypapers import days
from dailypapers.db.engine import Database
from dailypapers.papers import catalog
from dailypapers.papers.records import Card
from dailypapers.papers.trending import rank_trending, reference_time, trending_window
from dailypapers.store import feed as feed_store
from dailypapers.store import users as user_store
from dailypapers.store import votes as vote_store


class InvalidPeriod(ValueError):
    """A malformed or impossible date / week / month; the message says what was expected."""


@dataclass
class Listing:
    kind: str  # "day", "week", "month", "trending"
    label: str  # e.g. "2025-06-10", "2025-W24", "2025-06", "trending"
    start: date | None
    end: date | None
    cards: list[Card] = field(default_factory=list)
    total: int = 0
    previous: str | None = None  # label of the previous period with papers (days) / before
    next: str | None = None


_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_day(text: str) -> date:
    """``YYYY-MM-DD``, or a full ISO datetime (its UTC day), within the site's days
    (:mod:`dailypapers.days`: outside them no paper is published, and the next day or a moment's
    UTC day may not exist)."""
    try:
        return days.parse(text)
    except days.InvalidDay as error:
        raise InvalidPeriod(str(error)) from None


def parse_week(text: str) -> tuple[date, date]:
    """``YYYY-Www`` (ISO week) as (Monday, Sunday); its Monday within the site's days."""
    match = _WEEK.match(text.strip())
    if match:
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            monday = None
        if monday is not None and days.within(monday):
            return monday, monday + timedelta(days=6)
    raise InvalidPeriod(
        f"{text[:40]!r} is not an ISO week: use YYYY-Www with {days.RANGE}, e.g. 2025-W24"
    )


def parse_month(text: str) -> tuple[date, date]:
    """``YYYY-MM`` as (first day, last day), within the site's days."""
    match = _MONTH.match(text.strip())
    if match and 1 <= int(match[2]) <= 12 and days.FIRST_YEAR <= int(match[1]) <= days.LAST_YEAR:
        first = date(int(match[1]), int(match[2]), 1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following - timedelta(days=1)
    raise InvalidPeriod(
        f"{text[:40]!r} is not a month: use YYYY-MM with {days.RANGE}, e.g. 2025-06"
    )


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_label(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _with_votes(conn: Connection, cards: list[Card], user_id: int | None) -> list[Card]:
    """The page's cards with whether the reader upvoted each, and their code links."""
    mine = vote_store.voted(conn, user_id, (card.id for card in cards))
    for card in cards:
        card.upvoted = card.id in mine
    return catalog.with_links(conn, cards)


def _cards_of(rows: list[dict]) -> list[Card]:
    return [Card.from_row(row) for row in rows]


class Options(TypedDict, total=False):
    """What every view takes besides its period: ``user_id`` (whose upvotes the cards mark),
    ``limit`` and ``offset`` (one page), ``order`` ("upvotes", the pages' default; "submitted",
    newest entry first, the API's; or "trending", the period's entries by trending score as of
    the period's end or now, whichever is earlier), ``submitter_id`` (only one user's
    submissions), ``category`` (only papers listing that category id; the neighbouring periods
    too are those with such papers), ``has_code`` (only papers with a code link, the same way)
    and ``count`` (see _cards)."""

    user_id: int | None
    limit: int | None
    offset: int
    order: str
    submitter_id: int | None
    category: str | None
    has_code: bool
    count: bool


_DEFAULTS: Options = {
    "user_id": None,
    "limit": None,
    "offset": 0,
    "order": "upvotes",
    "submitter_id": None,
    "category": None,
    "has_code": False,
    "count": True,
}
# A period's label parser, as (first day, last day), and how a day names its period.
PERIODS: dict[str, tuple[Callable[[str], tuple[date, date]], Callable[[date], str]]] = {
    "week": (parse_week, week_label),
    "month": (parse_month, month_label),
}


def canonical_label(kind: str, text: str) -> str:
    """The one spelling of a week or month label (``2025-W5`` is ``2025-W05``); InvalidPeriod
    when ``text`` is none."""
    parse, label_of = PERIODS[kind]
    return label_of(parse(text)[0])


def day(db: Database, when: date | None = None, **options: Unpack[Options]) -> Listing:
    """A feed day (default: the newest day with papers), with its neighbours that have papers."""
    view = {**_DEFAULTS, **options}
    with db.read() as conn:
        when = when or feed_store.newest_day(
            conn, category=view["category"], has_code=view["has_code"]
        )
        if when is None:
            return Listing("day", "", None, None)
        return _listing(conn, "day", when, when, date.isoformat, view)


def week(db: Database, label: str, **options: Unpack[Options]) -> Listing:
    """An ISO week, ``YYYY-Www``."""
    return _period(db, "week", label, options)


def month(db: Database, label: str, **options: Unpack[Options]) -> Listing:
    """A month, ``YYYY-MM``."""
    return _period(db, "month", label, options)


def _period(db: Database, kind: str, label: str, options: Options) -> Listing:
    parse, label_of = PERIODS[kind]
    start, end = parse(label)
    with db.read() as conn:
        return _listing(conn, kind, start, end, label_of, {**_DEFAULTS, **options})


def _listing(
    conn: Connection,
    kind: str,
    start: date,
    end: date,
    label_of: Callable[[date], str],
    view: Options,
) -> Listing:
    """Entries of ``start..end``; previous/next name the nearest periods that have entries
    (skipping empty ones), or None at either end of the feed."""
    cards, total = _cards(conn, start, end, view)
    before = after = None
    if view["count"]:
        only = {"category": view["category"], "has_code": view["has_code"]}
        before, after = feed_store.neighbour_days(conn, start, **only)
        if end != start:
            after = feed_store.neighbour_days(conn, end, **only)[1]
    _with_votes(conn, cards, view["user_id"])
    return Listing(
        kind,
        label_of(start),
        start,
        end,
        cards,
        total,
        label_of(before) if before else None,
        label_of(after) if after else None,
    )


def everything(db: Database, **options: Unpack[Options]) -> Listing:
    """The whole feed (e.g. one user's submissions, or the API's unfiltered list), newest entry
    first unless ``order`` says otherwise."""
    view = {**_DEFAULTS, "order": "submitted", **options}
    with db.read() as conn:
        cards, total = _cards(conn, None, None, view)
        _with_votes(conn, cards, view["user_id"])
    return Listing("all", "all", None, None, cards, total)


def _cards(
    conn: Connection, start: date | None, end: date | None, view: Options
) -> tuple[list[Card], int]:
    """One page of a period's cards in ``order``, and how many the period has in all (with
    ``count=False``, only ``offset + len(cards)``, and no neighbouring periods either: for
    callers that ask one card more than they show to learn whether another page follows)."""
    order, limit, offset = view["order"], view["limit"], view["offset"]
    entries = feed_store.Entries(
        start, end, view["submitter_id"], view["category"], view["has_code"]
    )
    if order == "trending":
        last = min(end or date.max, datetime.now(UTC).date())
        end_of_period = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
        reference = min(datetime.now(UTC), end_of_period)
        ranked = rank_trending(_cards_of(feed_store.cards(conn, entries)), reference)
        return _page(ranked, limit, offset), len(ranked)
    cards = _cards_of(feed_store.cards(conn, entries, order=order, limit=limit, offset=offset))
    if not view["count"] or limit is None or 0 < len(cards) < limit or (offset == 0 and not cards):
        total = offset + len(cards)  # the page reaches the end: no need to count
    else:
        total = feed_store.count_cards(conn, entries)
    return cards, total


def _page(items: list, limit: int | None, offset: int) -> list:
    return items[offset : offset + limit] if limit is not None else items[offset:]


def entries(
    db: Database,
    *,
    period: tuple[str, str] | None = None,
    submitter: str | None = None,
    order: str = "submitted",
    limit: int = 50,
    offset: int = 0,
) -> list[Card]:
    """One page of the feed as the API lists it: of a period (``("date" | "week" | "month",
    label)``, else the whole feed), of one submitter's entries (by username; none for an
    unknown one), newest first or by trending score. No counting: ask one more than you show to
    learn whether another page follows."""
    submitter_id = None
    if submitter is not None:
        with db.read() as conn:
            user = user_store.get_by_username(conn, submitter)
        if user is None:
            return []
        submitter_id = user["id"]
    window = {"limit": limit, "offset": offset, "submitter_id": submitter_id}
    if period is None:
        if order == "trending":
            return trending(db, **window).cards
        return everything(db, order=order, count=False, **window).cards
    kind, label = period
    if kind == "date":
        return day(db, parse_day(label), order=order, count=False, **window).cards
    load = week if kind == "week" else month
    return load(db, label, order=order, count=False, **window).cards


def trending(
    db: Database,
    now: datetime | None = None,
    *,
    user_id: int | None = None,
    limit: int | None = 50,
    offset: int = 0,
    submitter_id: int | None = None,
) -> Listing:
    """Entries of the trending window, by :func:`dailypapers.papers.trending.trending_score`."""
    now = now or datetime.now(UTC)
    with db.read() as conn:
        newest = feed_store.newest_day(conn, on_or_before=now.date())
        reference = reference_time(now, newest)
        start, end = trending_window(reference)
        candidates = _cards_of(feed_store.cards(conn, feed_store.Entries(start, end, submitter_id)))
        ranked = rank_trending(candidates, reference)
        page = _page(ranked, limit, offset)
        _with_votes(conn, page, user_id)
    return Listing("trending", "trending", start, end, page, len(ranked))
