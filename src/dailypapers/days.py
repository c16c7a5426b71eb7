"""The days the site knows: FIRST_DAY to LAST_DAY, and reading a day or a moment someone typed.

Python's calendar runs from 0001-01-01 to 9999-12-31, and the site often needs a little room
beyond a day: the day after a range's end (a search's ``to:``, a period's next link), a moment's
UTC day (``9999-12-31T23:59:59-23:59`` falls in year 10000). Days outside the range are therefore
refused where they come in (an import's feed or listing day, a period in a URL, with a message
saying the range) or, where a bound only narrows what is shown (a search's date filter), moved to
the range's edge: no paper lies outside it, so the answer is the same.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

# Nothing the site stores or shows is older than arXiv (1991) or absurdly far ahead; the range is
# wide enough for any real date and far enough from the calendar's ends for a year of arithmetic.
FIRST_YEAR, LAST_YEAR = 1900, 2999
FIRST_DAY = date(FIRST_YEAR, 1, 1)
LAST_DAY = date(LAST_YEAR, 12, 31)
EPOCH = date(1970, 1, 1)
RANGE = f"a year from {FIRST_YEAR} to {LAST_YEAR}"


class InvalidDay(ValueError):
    """Text that is no day, or a day out of range; the message says what was expected."""


def within(day: date) -> bool:
    """True when ``day`` (a date or a datetime's date) lies in FIRST_DAY..LAST_DAY."""
    value = day.date() if isinstance(day, datetime) else day
    return FIRST_DAY <= value <= LAST_DAY


def clamp(day: date) -> date:
    """``day`` moved into FIRST_DAY..LAST_DAY (for bounds that only narrow a search)."""
    return min(max(day, FIRST_DAY), LAST_DAY)


def utc(moment: datetime) -> datetime:
    """An aware ``moment`` in UTC (a naive one is taken as UTC); InvalidDay when its UTC day is
    out of range, including when it is beyond the calendar (``0001-01-01T00:00+23:59``)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        raise InvalidDay(f"{moment.isoformat()} is out of range: use {RANGE}") from None
    if not within(in_utc):
        raise InvalidDay(f"{moment.isoformat()} is out of range: use {RANGE}")
    return in_utc


def parse(text: str) -> date:
    """``YYYY-MM-DD``, or a full ISO 8601 moment (its UTC day; naive means UTC), in range."""
    value = text.strip()
    example = "use YYYY-MM-DD, e.g. 2025-06-10"
    try:
        if len(value) > 10:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidDay(f"{text[:40]!r} is not a date: {example}") from None
    try:
        day = utc(parsed).date() if isinstance(parsed, datetime) else parsed
    except InvalidDay:
        day = None
    if day is None or not within(day):
        raise InvalidDay(f"{text[:40]!r} is out of range: use YYYY-MM-DD with {RANGE}")
    return day


def day_number(value: date | datetime | None) -> int:
    """Days since 1970-01-01 (UTC), or -1 when unknown: how the search indexes keep a date."""
    if value is None:
        return -1
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return (value - EPOCH).days
