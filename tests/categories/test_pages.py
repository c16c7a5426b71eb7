"""A category's page on the real feed days, with the papers' real arXiv categories: exactly the
papers listing the category, the feed's own day/week navigation, cross-lists marked."""

from __future__ import annotations

from datetime import date

import pytest

from dailypapers.categories import pages
from dailypapers.papers import listing
from tests.support import categories as listed
from tests.support import data

pytestmark = pytest.mark.store("feed")


@pytest.fixture
def categorized(db, tmp_path) -> dict[str, list[str]]:
    return listed.listed_feed(db, tmp_path)


def _every_day(db, category_id: str) -> list:
    cards, found = [], pages.category_page(db, category_id)
    while True:
        cards += found.listing.cards
        if found.listing.previous is None:
            return cards
        found = pages.category_page(db, category_id, period=("date", found.listing.previous))


def test_it_lists_exactly_the_papers_listing_the_category(db, categorized):
    having = {arxiv_id for arxiv_id, cats in categorized.items() if "cs.CL" in cats}
    cards = _every_day(db, "cs.cl")
    assert {card.arxiv_id for card in cards} == having and len(cards) == len(having)
    assert len(having) > 20


def test_it_marks_papers_whose_primary_category_is_another(db, categorized):
    found = pages.category_page(db, "cs.AI", period=("week", "2025-W24"))
    papers = {card.arxiv_id for card in found.listing.cards}
    crossed = {arxiv_id for arxiv_id in papers if categorized[arxiv_id][0] != "cs.AI"}
    assert found.cross_listed == crossed and crossed  # cs.AI is nearly always secondary


def test_it_defaults_to_the_categorys_newest_day_and_navigates_its_days(db, categorized):
    found = pages.category_page(db, "cs.RO")
    assert found.category.name == "Robotics"
    assert found.listing.label == "2025-06-10" and found.listing.next is None
    everything = listing.day(db, found.listing.start)
    assert len(found.listing.cards) < len(everything.cards)


def test_a_week_holds_the_categorys_papers_of_its_days(db, categorized):
    week = pages.category_page(db, "cs.CV", period=("week", "2025-W24"))
    assert week.listing.kind == "week" and week.listing.next == "2025-W25"
    assert all("cs.CV" in card.categories for card in week.listing.cards)
    assert week.listing.total == len(week.listing.cards) > 10


def test_an_id_arxiv_does_not_list_has_a_page_when_papers_carry_it(db):
    data.store(
        db,
        data.in_feed(
            data.paper("2506.99100", "Old style", categories=["cs.XY"]), date(2025, 6, 16)
        ),
    )
    found = pages.category_page(db, "cs.XY")
    assert found.category.name == "cs.XY" and not found.category.known
    assert [card.arxiv_id for card in found.listing.cards] == ["2506.99100"]
    assert [card.arxiv_id for card in pages.category_page(db, "cs.xy").listing.cards] == [
        "2506.99100"
    ]


def test_an_id_no_paper_lists_has_no_page(db, categorized):
    assert pages.category_page(db, "q-fin.ST") is None


def test_the_overview_counts_the_categories_by_archive(db, categorized):
    archives = {archive.id: archive for archive in pages.overview(db)}
    counts = {c.what.id: c.papers for c in archives["cs"].categories}
    assert counts["cs.CL"] == sum("cs.CL" in cats for cats in categorized.values())
    assert archives["cs"].name == "Computer Science" and "eess" in archives
