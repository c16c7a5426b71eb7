"""Composing is pure: fixed periods, fixed clocks, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dailypapers.digest import schedule
from dailypapers.digest.compose import (
    Candidates,
    Paper,
    Prefs,
    SearchMatches,
    compose,
    paper_ids,
    rank_top,
    rank_trending,
)
from dailypapers.papers.trending import trending_score

TUESDAY_8AM = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)


def _paper(n: int, upvotes: int, hours_old: float = 24.0, now=TUESDAY_8AM) -> Paper:
    return Paper(
        id=n,
        arxiv_id=f"2603.{n:05d}",
        title=f"Paper {n}",
        authors=("A", "B", "C", "D"),
        abstract="word " * 100,
        upvotes=upvotes,
        entered_at=now - timedelta(hours=hours_old),
    )


def _period(as_of=TUESDAY_8AM, frequency="daily", tz="UTC", hour=7, weekly_day=0):
    return schedule.latest_due(frequency, tz, hour, weekly_day, as_of)


def test_top_papers_are_ordered_by_upvotes_and_the_subject_says_what_is_inside():
    papers = [_paper(1, 5), _paper(2, 50), _paper(3, 12), _paper(4, 12, hours_old=30)]
    content = compose(
        _period(), Prefs(sections=("top",), top_count=3), Candidates(period_papers=rank_top(papers))
    )
    top = content["sections"][0]
    assert [p["id"] for p in top["papers"]] == [2, 4, 3]  # ties: the earlier entry first
    assert content["subject"] == "3 top papers — dailypapers, Tue 3 Mar"
    assert top["papers"][0]["authors"] == ["A", "B", "C"] and top["papers"][0]["author_count"] == 4
    assert len(top["papers"][0]["abstract"]) <= 281 and top["papers"][0]["abstract"].endswith("…")


def test_trending_decays_with_age_and_skips_what_was_shown_or_mailed():
    fresh = _paper(1, 10, hours_old=2)
    old_but_loud = _paper(2, 100, hours_old=100)
    loud_recent = _paper(3, 60, hours_old=20)
    mailed = _paper(4, 500, hours_old=3)
    assert trending_score(10, fresh.entered_at, TUESDAY_8AM) > trending_score(
        100, old_but_loud.entered_at, TUESDAY_8AM
    )
    content = compose(
        _period(),
        Prefs(sections=("top", "trending"), top_count=1, trending_count=5),
        Candidates(
            period_papers=[loud_recent],
            trending_pool=rank_trending([fresh, old_but_loud, loud_recent, mailed], TUESDAY_8AM),
            already_mailed=frozenset({4}),
        ),
    )
    top, trending = content["sections"]
    assert [p["id"] for p in top["papers"]] == [3]
    assert [p["id"] for p in trending["papers"]] == [1, 2]
    assert content["subject"] == "1 top paper, 2 trending papers — dailypapers, Tue 3 Mar"


def test_for_you_and_searches_leave_out_known_mailed_and_not_interested_papers():
    ranked = [(_paper(n, 0), 1.0 - n / 10) for n in range(1, 8)]
    content = compose(
        _period(),
        Prefs(sections=("for_you", "searches"), for_you_count=3),
        Candidates(
            for_you=ranked,
            already_mailed=frozenset({1}),
            known=frozenset({2}),
            not_interested=frozenset({3, 9}),
            searches=[SearchMatches("diffusion", [_paper(4, 0), _paper(9, 0), _paper(8, 0)])],
        ),
    )
    for_you, searches = content["sections"]
    assert [p["id"] for p in for_you["papers"]] == [4, 5, 6]
    assert [p["id"] for p in searches["groups"][0]["papers"]] == [8]
    assert paper_ids(content) == [4, 5, 6, 8]
    assert content["subject"] == "3 for you, 1 search match — dailypapers, Tue 3 Mar"


def test_an_empty_digest_is_not_composed_and_a_weekly_subject_names_the_week():
    assert compose(_period(), Prefs(), Candidates()) is None
    weekly = _period(datetime(2026, 3, 9, 8, tzinfo=UTC), frequency="weekly", weekly_day=0)
    content = compose(weekly, Prefs(sections=("top",)), Candidates(period_papers=[_paper(1, 1)]))
    assert content["subject"] == "1 top paper — dailypapers, week of Mon 2 Mar"
