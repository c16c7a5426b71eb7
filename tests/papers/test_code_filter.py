"""The feed views' "has code" filter: a day, a week and a month of only the papers with a code
link, their totals and their neighbouring periods counted the same way."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from dailypapers.ingest.records import PaperRecord
from dailypapers.papers import listing
from tests.support import data

MONDAY, TUESDAY, WEDNESDAY = date(2026, 1, 5), date(2026, 1, 6), date(2026, 1, 7)


def _coded(arxiv_id: str, text: str | None) -> PaperRecord:
    record = data.paper(arxiv_id)
    return dataclasses.replace(record, comment=text) if text else record


@pytest.fixture
def feed(db):
    """Monday: one paper with code, one with a project page only; Tuesday: none with code;
    Wednesday: one with code (2603.25977's bare repository address)."""
    data.store(
        db,
        data.in_feed(_coded("2601.00001", "Code: https://github.com/a/one"), MONDAY),
        data.in_feed(_coded("2601.00002", "Project page: https://two.github.io/"), MONDAY),
        data.in_feed(_coded("2601.00003", None), TUESDAY),
        data.in_feed(
            _coded("2601.00004", "Code is available at: github.com/gustavochau/D-RoPE."), WEDNESDAY
        ),
    )


def _ids(view) -> list[str]:
    return [card.arxiv_id for card in view.cards]


def test_a_day_with_code_keeps_only_its_papers_with_a_code_link(db, feed):
    assert sorted(_ids(listing.day(db, MONDAY))) == ["2601.00001", "2601.00002"]
    view = listing.day(db, MONDAY, has_code=True)
    assert (_ids(view), view.total) == (["2601.00001"], 1)


def test_the_neighbouring_days_with_code_skip_days_without(db, feed):
    view = listing.day(db, WEDNESDAY, has_code=True)
    assert view.previous == MONDAY.isoformat()
    assert listing.day(db, WEDNESDAY).previous == TUESDAY.isoformat()
    assert listing.day(db, MONDAY, has_code=True).next == WEDNESDAY.isoformat()


def test_the_newest_day_with_code_and_a_week_of_them(db, feed):
    assert listing.day(db, has_code=True).label == WEDNESDAY.isoformat()
    week = listing.week(db, "2026-W02", has_code=True)
    assert sorted(_ids(week)) == ["2601.00001", "2601.00004"] and week.total == 2
    assert listing.day(db, TUESDAY, has_code=True).cards == []
