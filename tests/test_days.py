"""The site's days: reading a day or moment, and the calendar's edges everywhere a date comes in.

Python's dates end at 9999-12-31 and a moment's UTC day, or the day after a range, may lie
beyond; every route that reads a date answers such a one with a message (400 in the API and
feeds, a 404 page naming the range for a page address) or a sensible empty answer, never a 500.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime
from urllib.parse import quote

import pytest

from dailypapers import days


def test_it_reads_a_day_or_the_utc_day_of_a_moment():
    assert days.parse("2025-06-10") == date(2025, 6, 10)
    assert days.parse(" 2025-06-10T23:30:00-02:00 ") == date(2025, 6, 11)
    assert days.parse("2025-06-10T12:00:00") == date(2025, 6, 10)  # naive means UTC


@pytest.mark.parametrize(
    "text",
    [
        "9999-12-31T23:59:59-23:59",  # its UTC day is in year 10000
        "0001-01-01T00:00:00+23:59",  # its UTC day is before year 1
        "0001-01-01T00:00:00+2359",
        "9999-12-31",
        "0001-01-01",
        "1899-12-31",
        "3000-01-01",
    ],
)
def test_it_refuses_a_day_beyond_the_sites_range_naming_it(text):
    with pytest.raises(days.InvalidDay, match="out of range: use YYYY-MM-DD with a year from"):
        days.parse(text)


def test_it_says_what_a_day_looks_like_when_it_is_none():
    with pytest.raises(days.InvalidDay, match="is not a date: use YYYY-MM-DD"):
        days.parse("2025-02-30")


def test_it_moves_a_day_into_the_range_and_a_moment_into_utc():
    assert days.clamp(date(9999, 12, 31)) == days.LAST_DAY
    assert days.clamp(date(1, 1, 1)) == days.FIRST_DAY
    assert days.clamp(date(2025, 6, 10)) == date(2025, 6, 10)
    assert days.utc(datetime(2025, 6, 10, 23, 30)).tzinfo is UTC
    with pytest.raises(days.InvalidDay):
        days.utc(datetime.fromisoformat("9999-12-31T23:59:59-23:59"))


def _cursor(moment: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([moment, 5]).encode()).decode().rstrip("=")


PLUS = quote("+")
# Every way a date reaches the site, at both ends of the calendar: (address, the status it gets).
# A refusal names the site's range, but a cursor's (``not a cursor from a previous page``).
EDGES = [
    # search: the query's from:/to: and the page's fields only narrow; beyond the range is "all"
    *(
        (f"/search?q={quote(q)}", 200)
        for q in ("to:9999", "from:0001", "to:0001", "from:9999", "model to:9999-12-31")
    ),
    *(
        (f"/search?q=model&{name}={day}", 200)
        for name in ("date_from", "date_to")
        for day in ("9999-12-31", "0001-01-01")
    ),
    ("/feeds/search.atom?q=to:9999", 200),
    ("/feeds/search.atom?q=from:0001", 200),
    ("/feeds/search.rss?q=model&date_to=9999-12-31&date_from=0001-01-01", 200),
    ("/api/papers/search?q=to:9999", 200),
    ("/api/papers/search?q=from:0001%20model", 200),
    # a day, week or month named in an address: refused with the range, or the last ones shown
    ("/papers/date/9999-12-31T23:59:59-23:59", 404),
    (f"/papers/date/0001-01-01T00:00:00{PLUS}23:59", 404),
    ("/papers/date/9999-12-31", 404),
    ("/papers/date/0001-01-01", 404),
    ("/papers?date=9999-12-31T23:59:59-23:59", 404),
    ("/papers/date/2999-12-31", 200),
    ("/papers/week/9999-W52", 404),
    ("/papers/week/0001-W01", 404),
    ("/papers/week/3000-W01", 200),  # the ISO week holding 2999-12-31
    ("/papers/month/9999-12", 404),
    ("/papers/month/0001-01", 404),
    ("/papers/month/2999-12", 200),
    (f"/api/daily_papers?date=0001-01-01T00:00:00{PLUS}2359", 400),
    ("/api/daily_papers?date=9999-12-31T23:59:59-23:59", 400),
    ("/api/daily_papers?date=9999-12-31", 400),
    ("/api/daily_papers?week=9999-W52", 400),
    ("/api/daily_papers?month=0001-01", 400),
    ("/api/daily_papers?date=2999-12-31", 200),
    ("/feeds/papers/date/9999-12-31T23:59:59-23:59.atom", 400),
    ("/feeds/papers/week/9999-W52.atom", 400),
    ("/feeds/papers/month/0001-01.rss", 400),
    # a cursor is ours, but its text comes back from outside
    (f"/api/papers?cursor={_cursor('0001-01-01T00:00:00+23:59')}", 400),
    (f"/api/papers?cursor={_cursor('9999-12-31T23:59:59-23:59')}", 400),
]


@pytest.mark.store("feed")
def test_it_answers_every_date_at_the_calendars_edge_without_a_server_error(client):
    for address, status in EDGES:
        answer = client.get(address, follow_redirects=False)
        assert answer.status_code == status, (address, answer.status_code, answer.text[:300])
        if status == 400:
            error = answer.json()["error"]
            assert "1900 to 2999" in error or "not a cursor" in error, (address, error)
        if status == 404:
            assert "1900 to 2999" in answer.text, address
