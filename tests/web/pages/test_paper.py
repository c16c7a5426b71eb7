"""A paper's page over HTTP: its standing, redirects to one address, old-style ids, a 404."""

from __future__ import annotations

import re

import pytest

from dailypapers.papers import catalog
from tests.support import data
from tests.support.corpora import HOSTILE_ID, UNLISTED_ID

pytestmark = pytest.mark.store("feed")


def cards_of(html: str) -> list[str]:
    """arXiv ids of the cards on a page, in order."""
    return re.findall(
        r'<h2 class="card-title" id="t\d+"><a class="tex" href="/papers/([^"]+)"', html
    )


def test_it_shows_a_paper_with_its_standing_in_its_day(client):
    page = client.get("/papers/2506.08007")
    assert page.status_code == 200
    text = page.text
    assert '<h1 id="paper-title" class="tex">Reinforcement Pre-Training</h1>' in text
    assert "Qingxiu Dong, Li Dong, Yao Tang, Tianzhu Ye, Yutao Sun, Zhifang Sui, Furu Wei" in text
    assert "#1 of 28</a> that day" in text
    assert 'href="https://arxiv.org/abs/2506.08007"' in text
    assert 'href="https://arxiv.org/pdf/2506.08007"' in text
    assert "Jun 9, 2025" in text and "Jun 10, 2025" in text
    assert 'submitted by <a href="/users/unilm">unilm</a>' in text


@pytest.mark.parametrize("spelling", ["2506.08007v1", "2506.08007v12"])
def test_it_redirects_a_versioned_id_to_the_paper(client, spelling):
    response = client.get(f"/papers/{spelling}", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/papers/2506.08007"


def test_it_serves_old_style_ids_with_a_slash(client, db):
    data.store(
        db, data.paper("hep-th/9901001", "Old Strings", abstract="Branes.", authors=["Ed Old"])
    )
    assert client.get("/papers/hep-th/9901001").status_code == 200
    response = client.get("/papers/hep-th/9901001v2", follow_redirects=False)
    assert response.headers["location"] == "/papers/hep-th/9901001"
    # arXiv drops the subject class of old-style ids; so do we.
    assert (
        client.get("/papers/math.AG/9901001", follow_redirects=False).headers["location"]
        == "/papers/math/9901001"
    )


def test_it_answers_an_unknown_paper_with_a_404_page_and_a_search_box(client):
    page = client.get("/papers/2412.99999")
    assert page.status_code == 404
    assert 'id="error-search"' in page.text and 'value="2412.99999"' in page.text
    assert 'href="/submit?paper=2412.99999"' in page.text


def test_it_keeps_the_paper_that_is_in_no_feed_readable(client):
    page = client.get(f"/papers/{UNLISTED_ID}")
    assert page.status_code == 200 and "Standing" not in page.text


def test_it_links_github_when_the_feed_knows_the_repository(client, db):
    newest, _ = catalog.newest(db, 500)
    paper = next(card for card in newest if card.github_repo)
    page = client.get(f"/papers/{paper.arxiv_id}")
    assert f'href="{paper.github_repo}"' in page.text


def test_it_shows_html_in_titles_and_abstracts_as_text(client):
    for path in ("/papers/date/2025-06-16", f"/papers/{HOSTILE_ID}"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in text
        assert "$O(n^2)$" in text  # left for KaTeX to draw in the browser
    assert "Mallory &lt;b&gt;Evil&lt;/b&gt;" in client.get(f"/papers/{HOSTILE_ID}").text
