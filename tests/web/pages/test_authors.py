"""``/authors/{name}`` over HTTP: the page, the links to it from cards and paper pages, and names
no author can have answered with a clear 4xx, never a 5xx."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

from tests.support import corpora, data

pytestmark = pytest.mark.store("feed")


def author_path(name: str) -> str:
    return "/authors/" + quote(name, safe="")


def _paper_links(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-title"[^>]*><a class="tex" href="/papers/([^"]+)"', html)


def _author_links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a class="author" href="([^"]+)"', html)]


def test_an_authors_page_lists_their_papers_newest_first(client):
    page = client.get(author_path("Ceyuan Yang"))
    assert page.status_code == 200
    assert "<h1>Ceyuan Yang</h1>" in page.text and "3 papers" in page.text
    assert _paper_links(page.text) == ["2506.09984", "2506.09350", "2506.09113"]
    assert "Jianwen Jiang" in page.text  # a co-author


@pytest.mark.parametrize(
    "spelling", ["Schölkopf, Bernhard", 'Bernhard Sch\\"olkopf', "bernhard scholkopf"]
)
def test_every_usual_spelling_reaches_the_same_page(client, spelling):
    page = client.get(author_path(spelling))
    assert page.status_code == 200 and "<h1>Bernhard Schölkopf</h1>" in page.text
    assert _paper_links(page.text) == ["2506.08001"]


def test_an_ambiguous_initial_shows_the_candidates(client):
    page = client.get(author_path("Z. Chen"))
    assert page.status_code == 200 and "Did you mean" in page.text
    assert author_path("Zhaoxi Chen") in page.text and author_path("Zheshu Chen") in page.text
    assert _paper_links(page.text) == []


def test_an_unknown_author_is_a_404_that_says_so(client):
    page = client.get(author_path("Nobody Atall"))
    assert page.status_code == 404
    assert "No stored paper has an author called “Nobody Atall”" in page.text


def test_cards_and_paper_pages_link_every_shown_author(client):
    day = client.get("/papers/date/2025-06-16").text
    assert author_path("Mallory <b>Evil</b>") in _author_links(day)
    paper = client.get("/papers/2506.08001").text
    links = _author_links(paper)
    assert author_path("Bernhard Schölkopf") in links and len(links) >= 5
    for href in links[:5]:
        assert client.get(href).status_code == 200


@pytest.mark.parametrize(
    "name", ["AC/DC Researcher", "100% Sure", "Zoë d’Été Ünïcode", "Long " + "Name" * 80]
)
def test_names_of_any_characters_round_trip_through_their_links(client, db, name):
    data.store(db, data.paper("2506.99555", authors=[name, "Trent Trusted"]))
    paper = client.get("/papers/2506.99555").text
    href = _author_links(paper)[0]
    assert href == author_path(name)
    page = client.get(href)
    assert page.status_code == 200 and _paper_links(page.text) == ["2506.99555"]


def test_it_escapes_markup_in_an_authors_name(client):
    page = client.get(author_path("Mallory <b>Evil</b>"))
    assert page.status_code == 200
    assert "<b>Evil</b>" not in page.text and "Mallory &lt;b&gt;Evil&lt;/b&gt;" in page.text
    assert _paper_links(page.text) == [corpora.HOSTILE_ID]


def test_it_escapes_markup_in_a_name_nobody_has(client):
    page = client.get(author_path("<script>alert(1)</script> Nobody"))
    assert page.status_code == 404 and "<script>alert(1)" not in page.text


# 60,000 characters: the test client refuses URLs over 64 KiB (a name of 100,000 is refused by
# the domain, tests/authors/test_pages.py).
@pytest.mark.parametrize(
    "name", ["x" * 60_000, "Li\x00Dong", "\x1b[31m red", "../../signout", "%00", "%", "\u0301"]
)
def test_it_answers_hostile_names_with_a_clear_4xx_never_a_5xx(client, name):
    page = client.get(author_path(name))
    assert 400 <= page.status_code < 500
    assert "<h1>" in page.text and len(page.text) < 100_000


def test_it_keeps_dot_segments_from_reaching_another_route(client):
    page = client.get("/authors/..%2F..%2Fsignout")
    assert page.status_code in {400, 404} and "Sign in" in page.text


def test_it_refuses_a_page_past_the_last(client):
    assert client.get(author_path("Ceyuan Yang") + "?page=2").status_code == 404
    assert client.get(author_path("Ceyuan Yang") + "?page=abc").status_code in {400, 422}
