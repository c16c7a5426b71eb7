"""What a feed view shows: a day, an ISO week, a month, or what is trending.

The HTML pages (``/papers/date/...``) and the JSON API (``/api/daily_papers?date=...``) both call
these functions, so a page and its API answer always agree. Parsing of the period parameters lives
here too, with messages fit to show to the person who typed the URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dailypapers import ranking
from dailypapers.db.engine import Database
from dailypapers.store import feed as feed_store
from dailypapers.store import votes as vote_store


class InvalidPeriod(ValueError):
    """A malformed or impossible date / week / month; the message says what was expected."""


@dataclass
class Listing:
    kind: str  # "day", "week", "month", "trending"
    label: str  # e.g. "2025-06-10", "2025-W24", "2025-06", "trending"
    start: date | None
    end: date | None
    cards: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    previous: str | None = None  # label of the previous period with papers (days) / before
    next: str | None = None


_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_day(text: str) -> date:
    """``YYYY-MM-DD``, or a full ISO datetime (its UTC day)."""
    value = text.strip()
    try:
        if len(value) > 10:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
            return moment.date()
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidPeriod(
            f"{text[:40]!r} is not a date: use YYYY-MM-DD, e.g. 2025-06-10"
        ) from None


def parse_week(text: str) -> tuple[date, date]:
    """``YYYY-Www`` (ISO week) as (Monday, Sunday)."""
    match = _WEEK.match(text.strip())
    if match:
        try:
            monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return monday, monday + timedelta(days=6)
        except ValueError:
            pass
    raise InvalidPeriod(f"{text[:40]!r} is not an ISO week: use YYYY-Www, e.g. 2025-W24")


def parse_month(text: str) -> tuple[date, date]:
    """``YYYY-MM`` as (first day, last day)."""
    match = _MONTH.match(text.strip())
    if match and 1 <= int(match[2]) <= 12 and int(match[1]) >= 1:
        first = date(int(match[1]), int(match[2]), 1)
        following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return first, following - timedelta(days=1)
    raise InvalidPeriod(f"{text[:40]!r} is not a month: use YYYY-MM, e.g. 2025-06")


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def month_label(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def _with_votes(conn, cards: list[dict], user_id: int | None) -> list[dict]:  # noqa: ANN001
    mine = vote_store.voted(conn, user_id, (c["id"] for c in cards))
    for card in cards:
        card["upvoted"] = card["id"] in mine
    return cards


def day(db: Database, when: date | None = None, *, user_id: int | None = None,
        limit: int | None = None, offset: int = 0, order: str = "upvotes") -> Listing:
    """A feed day (default: the newest day with papers), with its neighbours that have papers."""
    with db.read() as conn:
        when = when or feed_store.newest_day(conn)
        if when is None:
            return Listing("day", "", None, None)
        cards = feed_store.cards(conn, when, when, order=order, limit=limit, offset=offset)
        whole = limit is None and offset == 0  # the whole day: no need to count it again
        total = len(cards) if whole else feed_store.count_cards(conn, when, when)
        before, after = feed_store.neighbour_days(conn, when)
        _with_votes(conn, cards, user_id)
    return Listing("day", when.isoformat(), when, when, cards, total,
                   before.isoformat() if before else None, after.isoformat() if after else None)


def week(db: Database, label: str, *, user_id: int | None = None, limit: int | None = None,
         offset: int = 0, order: str = "upvotes") -> Listing:
    start, end = parse_week(label)
    return _range(db, "week", week_label(start), start, end, user_id, limit, offset, order,
                  week_label)


def month(db: Database, label: str, *, user_id: int | None = None, limit: int | None = None,
          offset: int = 0, order: str = "upvotes") -> Listing:
    start, end = parse_month(label)
    return _range(db, "month", month_label(start), start, end, user_id, limit, offset, order,
                  month_label)


def _range(db: Database, kind: str, label: str, start: date, end: date, user_id: int | None,
           limit: int | None, offset: int, order: str, label_of) -> Listing:  # noqa: ANN001
    """Entries of ``start..end``; previous/next name the nearest periods that have entries
    (skipping empty ones, as days do), or None at either end of the feed."""
    with db.read() as conn:
        cards = feed_store.cards(conn, start, end, order=order, limit=limit, offset=offset)
        total = feed_store.count_cards(conn, start, end)
        before = feed_store.neighbour_days(conn, start)[0]
        after = feed_store.neighbour_days(conn, end)[1]
        _with_votes(conn, cards, user_id)
    return Listing(kind, label, start, end, cards, total,
                   label_of(before) if before else None, label_of(after) if after else None)


def trending(db: Database, now: datetime | None = None, *, user_id: int | None = None,
             limit: int | None = 50, offset: int = 0) -> Listing:
    """Entries of the trending window ranked by :func:`ranking.trending_score`."""
    now = now or datetime.now(UTC)
    with db.read() as conn:
        newest = feed_store.newest_day(conn, on_or_before=now.date())
        reference = ranking.reference_time(now, newest)
        start, end = ranking.trending_window(reference)
        candidates = feed_store.cards(conn, start, end)
        ranked = ranking.rank_trending(candidates, reference)
        page = ranked[offset: offset + limit] if limit is not None else ranked[offset:]
        _with_votes(conn, page, user_id)
    return Listing("trending", "trending", start, end, page, len(ranked))
