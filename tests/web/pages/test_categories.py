"""``/categories`` and ``/categories/{id}`` over HTTP: the page, its day/week navigation, the
links to it from cards and paper pages, and ids no category can have answered with a clear
4xx, never a 5xx, their text escaped."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.support import categories as listed
from tests.support import corpora

pytestmark = pytest.mark.store("feed")


@pytest.fixture
def categorized(db, tmp_path) -> dict[str, list[str]]:
    return listed.listed_feed(db, tmp_path)


def _paper_links(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-title"[^>]*><a class="tex" href="/papers/([^"]+)"', html)


def test_a_category_page_lists_exactly_its_papers_of_its_newest_day(client, categorized):
    page = client.get("/categories/cs.CL")
    assert page.status_code == 200
    assert "<h1>Computation and Language</h1>" in page.text and "<code>cs.CL</code>" in page.text
    shown = _paper_links(page.text)
    assert shown and all("cs.CL" in categorized[arxiv_id] for arxiv_id in shown)
    having = [a for a, cats in categorized.items() if "cs.CL" in cats]
    day = client.get("/papers/date/2025-06-16").text
    assert set(shown) == {a for a in _paper_links(day) if a in having}


def test_it_navigates_the_categorys_days_and_weeks(client, categorized):
    page = client.get("/categories/cs.CL").text
    assert 'rel="prev" href="/categories/cs.CL/date/2025-06-13"' in page
    assert 'href="/categories/cs.CL/week/2025-W25"' in page
    week = client.get("/categories/cs.CL/week/2025-W24")
    assert (
        week.status_code == 200 and 'rel="next" href="/categories/cs.CL/week/2025-W25"' in week.text
    )
    assert all("cs.CL" in categorized[a] for a in _paper_links(week.text))
    assert client.get("/categories/cs.CL/week/2025-W5", follow_redirects=False).status_code == 301


def test_the_go_to_day_form_stays_in_the_category(client, categorized):
    answer = client.get("/categories/cs.CL?date=2025-06-10", follow_redirects=False)
    assert answer.headers["location"] == "/categories/cs.CL/date/2025-06-10"


def test_cross_lists_are_marked(client, categorized):
    page = client.get("/categories/cs.AI/week/2025-W24").text
    crossed = [a for a in _paper_links(page) if categorized[a][0] != "cs.AI"]
    assert crossed and page.count('class="cross-list"') == len(crossed)


def test_an_id_no_paper_lists_is_a_404_that_says_so(client, categorized):
    page = client.get("/categories/q-fin.ST")
    assert page.status_code == 404
    assert "No paper in the feed lists the category “q-fin.ST”" in page.text


def test_the_index_lists_categories_with_counts_by_archive(client, categorized):
    page = client.get("/categories")
    assert page.status_code == 200 and "Computer Science" in page.text
    count = sum("cs.CL" in cats for cats in categorized.values())
    assert re.search(
        rf'href="/categories/cs.CL">cs.CL</a> Computation and Language '
        rf'<span class="muted">{count} papers',
        page.text,
    )


def test_cards_and_paper_pages_link_their_categories(client, categorized):
    day = client.get("/papers/date/2025-06-16").text
    assert '<a class="category" href="/categories/cs.CL">cs.CL</a>' in day
    paper = client.get("/papers/2506.11702").text
    assert (
        'href="/categories/cs.CL">cs.CL</a>' in paper
        and 'href="/categories/cs.AI">cs.AI</a>' in paper
    )


# 60,000 characters: the test client refuses longer URLs (100,000 are refused by the domain,
# tests/categories/test_taxonomy.py).
@pytest.mark.parametrize(
    "hostile",
    ["x" * 60_000, "cs.CL\x00", "<script>alert(1)</script>", "../../signout", "%00", "cs CL"],
)
def test_it_answers_a_hostile_category_id_with_a_clear_4xx(client, hostile):
    quoted = quote(hostile, safe="")
    for path in (
        f"/categories/{quoted}",
        f"/categories/{quoted}/week/2025-W5",
        f"/categories/{quoted}?date=2025-06-10",
    ):
        answer = client.get(path, follow_redirects=False)
        assert 400 <= answer.status_code < 500, (path[:80], answer.status_code)
        assert "<script>alert(1)" not in answer.text and len(answer.text) < 100_000


def test_it_escapes_markup_in_a_category_id(client):
    answer = client.get("/categories/" + quote("<b>cs", safe=""))
    assert answer.status_code == 400 and "&lt;b&gt;cs" in answer.text and "<b>cs" not in answer.text


def test_it_shows_the_hostile_paper_under_its_category_escaped(client):
    page = client.get("/categories/cs.LG/date/2025-06-16")
    assert page.status_code == 200 and corpora.HOSTILE_ID in page.text
    assert "<script>alert('title')" not in page.text
