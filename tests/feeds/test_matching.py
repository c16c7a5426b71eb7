"""A feed's papers on the real feed days (with their real arXiv categories): categories minus
exclusions, authors by any spelling, upvotes, keywords with ``-word``, newest first; and the
papers stored since a moment."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from dailypapers import days
from dailypapers.feeds import matching, service
from dailypapers.feeds.records import Definition, NoSuchFeed
from dailypapers.papers import catalog, voting
from dailypapers.search import service as search
from dailypapers.store import feeds as feed_store
from tests.support import categories as listed
from tests.support import corpora, data

pytestmark = pytest.mark.store("feed")

CEYUAN_YANG = ["2506.09984", "2506.09350", "2506.09113"]  # newest arXiv date first
BENCHMARK = re.compile(r"\bbenchmark", re.IGNORECASE)


@pytest.fixture
def categorized(db, tmp_path) -> dict[str, list[str]]:
    return listed.listed_feed(db, tmp_path)


def _all(db, settings, definition: Definition) -> list:
    return matching.papers(db, settings, definition, limit=1000)


def test_a_category_feed_holds_exactly_the_papers_listing_it_newest_first(
    db, settings, categorized
):
    cards = _all(db, settings, Definition(categories=("cs.CL",)))
    having = {arxiv_id for arxiv_id, cats in categorized.items() if "cs.CL" in cats}
    having.add(corpora.UNLISTED_ID)  # stored, in no feed day: a feed holds every stored paper
    assert {c.arxiv_id for c in cards} == having and len(cards) == len(having) > 20
    dates = [c.published_at for c in cards]
    assert dates == sorted(dates, reverse=True)


def test_it_leaves_out_excluded_categories(db, settings, categorized):
    cards = _all(db, settings, Definition(categories=("cs.CL",), exclude_categories=("cs.CV",)))
    having = {a for a, cats in categorized.items() if "cs.CL" in cats and "cs.CV" not in cats}
    having.add(corpora.UNLISTED_ID)  # cs.CL alone
    assert {c.arxiv_id for c in cards} == having
    assert having - {corpora.UNLISTED_ID} < {a for a, c in categorized.items() if "cs.CL" in c}


def test_a_category_minus_a_keyword_drops_the_papers_that_have_it(db, settings, categorized):
    everything = _all(db, settings, Definition(categories=("cs.CL",)))
    kept = _all(db, settings, Definition(categories=("cs.CL",), query="-benchmark"))
    dropped = {c.arxiv_id for c in everything} - {c.arxiv_id for c in kept}
    assert dropped and {c.arxiv_id for c in kept} < {c.arxiv_id for c in everything}
    assert not any(BENCHMARK.search(c.title + " " + c.abstract) for c in kept)
    assert all(BENCHMARK.search(c.title + " " + c.abstract) for c in everything
               if c.arxiv_id in dropped)  # fmt: skip


@pytest.mark.parametrize("spelling", ["Ceyuan Yang", "ceyuan yang", "Yang, Ceyuan"])
def test_an_author_feed_finds_their_papers_by_any_spelling(db, settings, spelling):
    cards = _all(db, settings, Definition(authors=(spelling,)))
    assert [c.arxiv_id for c in cards] == CEYUAN_YANG


def test_an_author_feed_reads_tex_names(db, settings):
    cards = _all(db, settings, Definition(authors=('Bernhard Sch\\"olkopf',)))
    assert [c.arxiv_id for c in cards] == ["2506.08001"]


def test_several_authors_mean_any_of_them(db, settings):
    cards = _all(db, settings, Definition(authors=("Ceyuan Yang", "Bernhard Schölkopf")))
    assert sorted(c.arxiv_id for c in cards) == sorted([*CEYUAN_YANG, "2506.08001"])


def test_min_upvotes_keeps_the_papers_with_that_many(db, settings, categorized):
    everything = _all(db, settings, Definition(categories=("cs.CL",)))
    popular = _all(db, settings, Definition(categories=("cs.CL",), min_upvotes=20))
    assert {c.arxiv_id for c in popular} == {c.arxiv_id for c in everything if c.upvotes >= 20}
    assert 0 < len(popular) < len(everything)


def test_has_code_keeps_only_the_papers_with_a_code_link(db, settings):
    linked = data.paper(
        "2506.99201", "Video With Code", authors=["Ceyuan Yang"],
        abstract="Video diffusion. Code: https://github.com/example/video-code.",
    )  # fmt: skip
    data.store(db, linked)
    everything = _all(db, settings, Definition(authors=("Ceyuan Yang",)))
    with_code = _all(db, settings, Definition(authors=("Ceyuan Yang",), has_code=True))
    assert len(everything) == len(CEYUAN_YANG) + 1
    assert [c.arxiv_id for c in with_code] == ["2506.99201"]
    videos = _all(db, settings, Definition(query="video"))
    coded = _all(db, settings, Definition(query="video", has_code=True))
    assert "2506.99201" in {c.arxiv_id for c in coded} and len(coded) < len(videos)
    assert all(any(link.kind == "code" for link in c.links) for c in coded)
    kept = {c.arxiv_id for c in coded}
    assert [c.arxiv_id for c in coded] == [c.arxiv_id for c in videos if c.arxiv_id in kept]


def test_a_keyword_feed_holds_the_papers_with_its_words_within_its_authors(db, settings):
    cards = _all(db, settings, Definition(query="video"))
    assert cards and all("video" in (c.title + c.abstract).lower() for c in cards)
    theirs = _all(db, settings, Definition(query="video", authors=("Ceyuan Yang",)))
    assert {c.arxiv_id for c in theirs} <= set(CEYUAN_YANG)
    assert {c.arxiv_id for c in theirs} == {c.arxiv_id for c in cards} & set(CEYUAN_YANG)


def test_it_pages_newest_first_without_repeats(db, settings, categorized):
    feed = Definition(categories=("cs.CL",))
    first, more = matching.page_of(db, settings, feed, page=1)
    assert len(first) == matching.PAGE_SIZE and more
    second, more = matching.page_of(db, settings, feed, page=2)
    assert not more and second and not {c.id for c in first} & {c.id for c in second}


def test_new_papers_are_those_stored_since_newest_first(db, settings, alice):
    feed = service.create(db, alice, {"name": "Yang", "authors": ["Ceyuan Yang"]})
    since = datetime.now(UTC)
    assert matching.new_papers(db, settings, feed.id, since, limit=10) == []
    newer = data.paper(
        "2506.99101", "Later Work", authors=["Ceyuan Yang"],
        published_at=datetime.now(UTC) - timedelta(days=1),
    )  # fmt: skip
    other = data.paper("2506.99102", "Someone Else's", authors=["Nobody Else"])
    data.store(db, newer, other)
    found = matching.new_papers(db, settings, feed.id, since, limit=10)
    assert [c.arxiv_id for c in found] == ["2506.99101"]
    assert catalog.card(db, "2506.99101").authors == ["Ceyuan Yang"]


def test_new_papers_of_no_feed_is_no_such_feed(db, settings):
    with pytest.raises(NoSuchFeed):
        matching.new_papers(db, settings, 123456, datetime.now(UTC), limit=5)


def _searched(db, settings, query: str, **options) -> list[int]:
    """Every match of the search in keyword mode newest first, asked as a feed asks it."""
    found: list[int] = []
    while True:
        page = search.paper_ids(
            db, settings, query, mode="keyword", sort="newest", date_from=days.FIRST_DAY,
            limit=search.MAX_LIMIT, offset=len(found), **options,
        )  # fmt: skip
        found += page
        if len(page) < search.MAX_LIMIT:
            return found


# The store looks a narrow criterion's papers up (every criterion is narrow in this small
# store), or walks the papers newest first when none is narrow (a bound of 1 makes every one
# broad): both ways must find the same papers.
@pytest.mark.parametrize("narrow", [feed_store.LEAD_AT_MOST, 1], ids=["looked-up", "walked"])
def test_a_feed_with_a_query_and_upvotes_matches_within_the_voted_papers(
    db, settings, alice, categorized, monkeypatch, narrow
):
    monkeypatch.setattr(feed_store, "LEAD_AT_MOST", narrow)
    everything = _all(db, settings, Definition(query="model"))
    assert [c.id for c in everything] == _searched(db, settings, "model") and everything
    pushed = next(c for c in everything if c.upvotes > 0)  # a local vote takes it over the bar
    voting.upvote(db, alice.id, pushed.arxiv_id)
    bar = pushed.upvotes + 1
    voted = _all(db, settings, Definition(query="model", min_upvotes=bar))
    assert pushed.id in {c.id for c in voted}
    recounted = _all(db, settings, Definition(query="model"))
    assert [c.id for c in voted] == [c.id for c in recounted if c.upvotes >= bar]
    kept = Definition(query="model -video", categories=("cs.CL",))
    within = {c.id for c in _all(db, settings, Definition(categories=("cs.CL",)))}
    wanted = [i for i in _searched(db, settings, "model -video cat:cs.CL") if i in within]
    assert [c.id for c in _all(db, settings, kept)] == wanted and wanted
    ranked = _searched(db, settings, "video xyzzyplugh")  # no paper has both: it ranks
    assert [c.id for c in _all(db, settings, Definition(query="video xyzzyplugh"))] == ranked
    assert ranked
