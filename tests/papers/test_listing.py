"""Feed views over the real upstream data: days, weeks, months, trending, votes on top."""

from datetime import UTC, date, datetime

import pytest

from dailypapers.papers import listing, voting

pytestmark = pytest.mark.store("june")


@pytest.fixture
def june_2025(db):
    return db


def test_it_lists_a_day_by_upvotes_with_its_neighbouring_days(june_2025):
    view = listing.day(june_2025, date(2025, 6, 10))
    assert view.total == len(view.cards) == 28
    assert view.cards[0].arxiv_id == "2506.08007" and view.cards[0].upvotes == 97
    counts = [c.upvotes for c in view.cards]
    assert counts == sorted(counts, reverse=True)
    assert (view.previous, view.next) == ("2025-06-09", "2025-06-11")


def test_it_skips_empty_days_when_moving_between_days(june_2025):
    friday = listing.day(june_2025, date(2025, 6, 13))
    assert friday.next == "2025-06-16"  # the weekend had no feed


def test_it_defaults_to_the_newest_day(june_2025):
    assert listing.day(june_2025).label == "2025-06-30"


def test_it_lists_weeks_and_months(june_2025):
    week = listing.week(june_2025, "2025-W24")
    assert (week.start, week.end) == (date(2025, 6, 9), date(2025, 6, 15))
    assert week.total == sum(listing.day(june_2025, date(2025, 6, d)).total for d in range(9, 14))
    assert (week.previous, week.next) == ("2025-W23", "2025-W25")
    month = listing.month(june_2025, "2025-06", limit=10)
    assert len(month.cards) == 10 and month.total > 300
    assert (month.previous, month.next) == (None, None)  # only June is stored


def test_it_skips_empty_weeks_and_months_when_moving_between_them(june_2025):
    before = listing.month(june_2025, "2025-03")
    assert before.total == 0 and (before.previous, before.next) == (None, "2025-06")
    after = listing.week(june_2025, "2025-W40")
    assert after.total == 0 and (after.previous, after.next) == ("2025-W27", None)


def test_it_adds_local_votes_to_the_upstream_count(june_2025, alice):
    top = listing.day(june_2025, date(2025, 6, 10)).cards[0]
    assert voting.upvote(june_2025, alice.id, top.arxiv_id).changed
    assert not voting.upvote(june_2025, alice.id, top.arxiv_id).changed
    view = listing.day(june_2025, date(2025, 6, 10), user_id=alice.id)
    assert view.cards[0].upvotes == 98 and view.cards[0].upvoted
    assert not view.cards[1].upvoted


def test_it_ranks_trending_in_the_week_before_the_newest_day(june_2025):
    view = listing.trending(june_2025, datetime(2026, 11, 28, tzinfo=UTC), limit=10)
    assert (view.start, view.end) == (date(2025, 6, 24), date(2025, 6, 30))
    assert len(view.cards) == 10
    scores = [c.trending_score for c in view.cards]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("text", ["2025-13-40", "2025-02-30", "yesterday", "", "2025-6-1x"])
def test_it_rejects_a_malformed_date(text):
    with pytest.raises(listing.InvalidPeriod, match="YYYY-MM-DD"):
        listing.parse_day(text)


@pytest.mark.parametrize("text", ["2025-W54", "2025-W00", "2025W10", "2021-W53"])
def test_it_rejects_a_malformed_week(text):
    with pytest.raises(listing.InvalidPeriod, match="YYYY-Www"):
        listing.parse_week(text)


@pytest.mark.parametrize("text", ["2025-13", "2025-00", "2025", "June"])
def test_it_rejects_a_malformed_month(text):
    with pytest.raises(listing.InvalidPeriod, match="YYYY-MM"):
        listing.parse_month(text)


def test_it_accepts_a_full_iso_datetime_as_a_day():
    assert listing.parse_day("2025-06-10T23:30:00-02:00") == date(2025, 6, 11)
