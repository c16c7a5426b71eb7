"""The /search page: results with highlights, filters in the URL, tips, and bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dailypapers.web.app import create_app


@pytest.fixture
def client(corpus_db, search_settings):
    return TestClient(create_app(search_settings, corpus_db))


def test_it_shows_results_with_highlighted_matches(client):
    page = client.get("/search", params={"q": "reinforcement pre-training"})
    assert page.status_code == 200
    assert '<mark>Reinforcement</mark> <mark>Pre</mark>-<mark>Training</mark>' in page.text
    assert 'href="/papers/2506.08007"' in page.text


def test_an_empty_query_shows_the_tips(client):
    page = client.get("/search")
    assert page.status_code == 200 and "Search tips" in page.text and "au:" in page.text


def test_filters_and_sort_live_in_the_url(client):
    page = client.get("/search", params={
        "q": "language", "mode": "keyword", "sort": "newest", "category": "cs.CL",
        "date_from": "2025-06-01", "date_to": "2025-06-30"})
    assert page.status_code == 200
    assert 'value="cs.CL"' in page.text and '<option value="newest" selected>' in page.text
    assert 'value="2025-06-01"' in page.text
    assert "cs.CL" in page.text and "result" in page.text


def test_it_pages_with_shareable_links(client):
    page = client.get("/search", params={"q": "model", "mode": "keyword"})
    assert 'rel="next"' in page.text and "page=2" in page.text
    second = client.get("/search", params={"q": "model", "mode": "keyword", "page": "2"})
    assert second.status_code == 200 and 'rel="prev"' in second.text


@pytest.mark.parametrize("q", ['"unbalanced', "x" * 3000, "'; DROP TABLE papers; --", "🚀",
                               "NEAR(a*) ^ :", "cat:' from:now"])
def test_bad_input_never_breaks_the_page(client, q):
    page = client.get("/search", params={"q": q, "mode": "bogus", "sort": "bogus",
                                         "page": "-3", "date_from": "soon"})
    assert page.status_code == 200


def test_the_similar_papers_partial_renders(corpus_db, search_settings):
    from dailypapers.search import service
    from dailypapers.web.app import templates

    similar = service.similar_papers(corpus_db, search_settings, 9, k=5)
    html = templates.get_template("similar_papers.html").render(similar=similar)
    assert html.count("<li>") == 5 and "Similar papers" in html
