"""An author's page on the real feed days: exactly their papers newest first, reached by every
usual spelling; initials only where unambiguous; kept current as papers are re-imported."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dailypapers.authors import pages
from dailypapers.ingest import importer
from dailypapers.papers import catalog
from tests.support import corpora, data

pytestmark = pytest.mark.store("feed")

# Ceyuan Yang's papers on the feed days, newest arXiv date first (from the upstream files).
CEYUAN_YANG = ["2506.09984", "2506.09350", "2506.09113"]


def _all_papers(db) -> list:
    found, cursor = [], None
    while True:
        page, cursor = catalog.newest(db, 100, cursor)
        found += page
        if cursor is None:
            return found


def test_it_lists_exactly_an_authors_papers_newest_first(db):
    page = pages.author_page(db, "Ceyuan Yang")
    assert page.name == "Ceyuan Yang" and page.total == 3
    assert [card.arxiv_id for card in page.papers] == CEYUAN_YANG
    theirs = [c.arxiv_id for c in _all_papers(db) if "Ceyuan Yang" in c.authors]
    assert sorted(theirs) == sorted(CEYUAN_YANG)
    dates = [card.published_at for card in page.papers]
    assert dates == sorted(dates, reverse=True)


def test_it_counts_co_authors_and_categories(db):
    page = pages.author_page(db, "Mallory <b>Evil</b>")
    assert [(c.what, c.papers) for c in page.coauthors] == [("Trent Trusted", 1)]
    assert [(c.what, c.papers) for c in page.categories] == [("cs.LG", 1)]
    coauthors = {c.what: c.papers for c in pages.author_page(db, "Ceyuan Yang").coauthors}
    assert coauthors["Jianwen Jiang"] == 2


@pytest.mark.parametrize(
    "spelling",
    ['Bernhard Sch\\"olkopf', "Bernhard Sch\\\"{o}lkopf", "bernhard scholkopf",
     "Schölkopf, Bernhard", "BERNHARD SCHÖLKOPF", "B. Schölkopf"],
)  # fmt: skip
def test_every_usual_spelling_reaches_the_same_page(db, spelling):
    page = pages.author_page(db, spelling)
    assert page.name == "Bernhard Schölkopf"
    assert [card.arxiv_id for card in page.papers] == ["2506.08001"]


def test_an_unambiguous_initial_reaches_the_one_author(db):
    page = pages.author_page(db, "C. Yang")
    assert page.name == "Ceyuan Yang" and page.candidates == []
    assert [card.arxiv_id for card in page.papers] == CEYUAN_YANG


def test_an_ambiguous_initial_lists_the_candidates_and_merges_nobody(db):
    page = pages.author_page(db, "Z. Chen")
    assert page.total == 0 and page.papers == []
    assert {c.what for c in page.candidates} == {"Zhaoxi Chen", "Zheshu Chen"}


def test_it_finds_a_rare_name_among_more_authors_of_its_surname_than_it_weighs(db, monkeypatch):
    monkeypatch.setattr(pages, "SURNAME_CANDIDATES", 1)  # only the most prolific Wang is weighed
    page = pages.author_page(db, "Benyou Wang")
    assert page.name == "Benyou Wang" and page.total >= 1
    assert all("Benyou Wang" in card.authors for card in page.papers)


def test_it_knows_no_author_no_paper_names(db):
    assert pages.author_page(db, "Nobody Atall") is None


@pytest.mark.parametrize(
    "name", ["x" * 100_000, "Li\x00Dong", "...", "\u0301\u0301", "Li\nDong", ""]
)
def test_it_refuses_names_no_author_can_have(db, name):
    with pytest.raises(pages.InvalidName):
        pages.author_page(db, name)


def test_it_keeps_the_authors_current_as_a_paper_is_re_imported(db):
    when = datetime(2025, 6, 20, 12, tzinfo=UTC)
    data.store(db, data.paper("2506.99777", authors=["Ceyuan Yang", "Kégl, Balázs"],
                              published_at=when))  # fmt: skip
    assert pages.author_page(db, "Ceyuan Yang").papers[0].arxiv_id == "2506.99777"
    assert pages.author_page(db, "Balázs Kégl").total == 1
    newer = data.paper("2506.99777", authors=["Balázs Kégl"], published_at=when)
    newer.version = 2
    data.store(db, newer)
    assert [c.arxiv_id for c in pages.author_page(db, "Ceyuan Yang").papers] == CEYUAN_YANG
    assert pages.author_page(db, "Bal\\'azs K\\'egl").spellings == ["Balázs Kégl"]


@pytest.mark.parametrize(
    ("day", "arxiv_id", "spellings"),
    [
        ("2026-01-12", "2601.05747", ["Peter Stütz", "Stütz, Peter", "peter stutz"]),
        ("2026-07-28", "2607.24542", ["Théotime de la Selle", "theotime de la selle"]),
    ],
)
def test_tex_names_of_real_arxiv_listings_reach_their_page(db, day, arxiv_id, spellings):
    importer.import_paths(db, [corpora.listing_file(day)])
    for spelling in spellings:
        page = pages.author_page(db, spelling)
        assert arxiv_id in [card.arxiv_id for card in page.papers], spelling
    assert "{" not in page.name and "\\" not in page.name


def test_it_pages_an_authors_papers(db):
    many = [
        data.paper(f"2507.{n:05d}", authors=["Prolific Writer"],
                   published_at=datetime(2025, 7, 1, n % 24, n % 60, tzinfo=UTC))
        for n in range(pages.PAGE_SIZE + 5)
    ]  # fmt: skip
    data.store(db, *many)
    first, second = (pages.author_page(db, "Prolific Writer", page=n) for n in (1, 2))
    assert first.total == second.total == pages.PAGE_SIZE + 5 and first.pages == 2
    assert len(first.papers) == pages.PAGE_SIZE and len(second.papers) == 5
    assert not {c.id for c in first.papers} & {c.id for c in second.papers}
    assert second.coauthors == [] and second.categories == []
