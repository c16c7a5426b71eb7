"""Trending scores with a fixed clock."""

from datetime import UTC, date, datetime, timedelta

from dailypapers.papers import trending
from dailypapers.papers.records import Card

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def _entry(arxiv_id: str, upvotes: int, hours_ago: float) -> Card:
    return Card(
        id=hash(arxiv_id),
        arxiv_id=arxiv_id,
        title=arxiv_id,
        abstract="",
        authors=[],
        categories=[],
        created_at=NOW,
        modified_at=NOW,
        upvotes=upvotes,
        submitted_at=NOW - timedelta(hours=hours_ago),
    )


def test_it_ranks_a_fresh_paper_above_an_older_one_with_somewhat_more_votes():
    ranked = trending.rank_trending([_entry("old", 60, 5 * 24), _entry("new", 40, 10)], NOW)
    assert [card.arxiv_id for card in ranked] == ["new", "old"]


def test_it_keeps_a_much_more_voted_paper_above_a_fresh_one():
    ranked = trending.rank_trending([_entry("new", 5, 3), _entry("big", 200, 30)], NOW)
    assert [card.arxiv_id for card in ranked] == ["big", "new"]


def test_it_computes_the_documented_formula():
    score = trending.trending_score(10, NOW - timedelta(hours=7), NOW)
    assert score == (10 + 1) / (7 + 2) ** 1.5


def test_it_halves_a_score_between_one_day_and_about_one_and_a_half():
    one_day = trending.trending_score(10, NOW - timedelta(hours=24), NOW)
    two_days = trending.trending_score(10, NOW - timedelta(hours=39.27), NOW)
    assert abs(two_days / one_day - 0.5) < 0.01


def test_it_never_scores_a_future_entry_above_a_brand_new_one():
    future = trending.trending_score(3, NOW + timedelta(hours=5), NOW)
    assert future == trending.trending_score(3, NOW, NOW)


def test_it_measures_age_from_the_newest_feed_day_when_the_feed_is_stale():
    assert trending.reference_time(NOW, date(2026, 1, 10)) == datetime(2026, 1, 11, tzinfo=UTC)
    assert trending.reference_time(NOW, date(2026, 3, 4)) == NOW
    start, end = trending.trending_window(datetime(2026, 1, 11, tzinfo=UTC))
    assert (start, end) == (date(2026, 1, 4), date(2026, 1, 10))
