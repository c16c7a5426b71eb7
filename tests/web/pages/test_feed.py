"""Reading pages over HTTP: the feed views, a paper's page, and what bad addresses get."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.support.corpora import HOSTILE_ID, UNLISTED_ID


def cards_of(html: str) -> list[str]:
    """arXiv ids of the cards on a page, in order."""
    return re.findall(r'<h2 class="card-title" id="t\d+"><a class="tex" href="/papers/([^"]+)"',
                      html)


def test_it_shows_the_latest_feed_day_at_the_root_and_at_papers(client):
    for path in ("/", "/papers"):
        page = client.get(path)
        assert page.status_code == 200
        assert "Monday, Jun 16, 2025" in page.text
        assert HOSTILE_ID in cards_of(page.text)


def test_it_lists_a_day_by_upvotes_with_card_details(client):
    page = client.get("/papers/date/2025-06-10")
    assert page.status_code == 200
    ids = cards_of(page.text)
    assert len(ids) == 28 and ids[0] == "2506.08007"
    card = page.text.split('id="p', 2)[1]  # the first card
    assert "Reinforcement Pre-Training" in card
    assert "Qingxiu Dong, Li Dong, Yao Tang et al." in card and "7 authors" in card
    assert '<span class="count">97</span>' in card
    assert "0 comments" in card
    assert "<details class=\"abstract\">" in card and "next-token prediction" in card


def test_it_links_github_when_the_feed_knows_the_repository(client, db):
    from dailypapers.store import papers as paper_store

    with db.read() as conn:
        paper = next(p for p in paper_store.latest(conn, 500) if p["github_repo"])
    page = client.get(f"/papers/{paper['arxiv_id']}")
    assert f'href="{paper["github_repo"]}"' in page.text


def test_it_moves_between_days_skipping_the_weekend(client):
    friday = client.get("/papers/date/2025-06-13").text
    assert 'rel="next" href="/papers/date/2025-06-16"' in friday
    monday = client.get("/papers/date/2025-06-16").text
    assert 'rel="prev" href="/papers/date/2025-06-13"' in monday
    assert 'rel="next"' not in monday  # the newest day
    first = client.get("/papers/date/2025-06-09").text
    assert 'rel="prev"' not in first


def test_it_shows_an_empty_day_with_links_to_days_that_have_papers(client):
    page = client.get("/papers/date/2025-06-14")
    assert page.status_code == 200
    assert "No papers on this day" in page.text
    assert 'href="/papers/date/2025-06-13"' in page.text
    assert 'href="/papers/date/2025-06-16"' in page.text


def test_it_lists_a_week_and_pages_through_it(client):
    first = client.get("/papers/week/2025-W24")
    assert first.status_code == 200
    assert "2025-W24 · Jun 9, 2025 – Jun 15, 2025" in first.text
    total = int(re.search(r'<p class="count-line">(\d+) papers', first.text).group(1))
    assert total == 85  # 2025-06-09..13
    ids = cards_of(first.text)
    assert len(ids) == 50 and 'href="/papers/week/2025-W24?page=2"' in first.text
    second = cards_of(client.get("/papers/week/2025-W24?page=2").text)
    assert not set(ids) & set(second)
    assert 'rel="next" href="/papers/week/2025-W25"' in first.text


def test_it_lists_a_month_in_pages(client):
    page = client.get("/papers/month/2025-06")
    assert page.status_code == 200 and "June 2025" in page.text
    assert len(cards_of(page.text)) == 50
    last = re.search(r"Page 1 of (\d+)", page.text)
    assert last and int(last.group(1)) >= 2
    beyond = client.get(f"/papers/month/2025-06?page={int(last.group(1)) + 1}")
    assert beyond.status_code == 404 and "no page" in beyond.text


def test_it_ranks_trending_papers(client):
    page = client.get("/papers/trending")
    assert page.status_code == 200
    assert len(cards_of(page.text)) == 50
    assert "ranked by upvotes and age" in page.text


def test_it_shows_a_paper_with_its_standing_in_its_day(client):
    page = client.get("/papers/2506.08007")
    assert page.status_code == 200
    text = page.text
    assert "<h1 id=\"paper-title\" class=\"tex\">Reinforcement Pre-Training</h1>" in text
    assert "Qingxiu Dong, Li Dong, Yao Tang, Tianzhu Ye, Yutao Sun, Zhifang Sui, Furu Wei" in text
    assert "#1 of 28</a> that day" in text
    assert 'href="https://arxiv.org/abs/2506.08007"' in text
    assert 'href="https://arxiv.org/pdf/2506.08007"' in text
    assert "Jun 9, 2025" in text and "Jun 10, 2025" in text
    assert "submitted by <a href=\"/users/unilm\">unilm</a>" in text


@pytest.mark.parametrize("spelling", ["2506.08007v1", "2506.08007v12"])
def test_it_redirects_a_versioned_id_to_the_paper(client, spelling):
    response = client.get(f"/papers/{spelling}", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/papers/2506.08007"


def test_it_serves_old_style_ids_with_a_slash(client, db):
    from dailypapers.ingest.pipeline import Pipeline
    from dailypapers.ingest.records import PaperRecord

    Pipeline(db).run([PaperRecord(arxiv_id="hep-th/9901001", title="Old Strings",
                                    abstract="Branes.", authors=["Ed Old"], source="test")])
    assert client.get("/papers/hep-th/9901001").status_code == 200
    response = client.get("/papers/hep-th/9901001v2", follow_redirects=False)
    assert response.headers["location"] == "/papers/hep-th/9901001"
    # arXiv drops the subject class of old-style ids; so do we.
    assert client.get("/papers/math.AG/9901001", follow_redirects=False
                      ).headers["location"] == "/papers/math/9901001"


def test_it_answers_an_unknown_paper_with_a_404_page_and_a_search_box(client):
    page = client.get("/papers/2412.99999")
    assert page.status_code == 404
    assert 'id="error-search"' in page.text and 'value="2412.99999"' in page.text
    assert 'href="/submit?paper=2412.99999"' in page.text


@pytest.mark.parametrize("path", ["/papers/not-an-id", "/papers/2513.00001", "/papers/2599.99999", "/nowhere",
                                  "/papers/<script>"])
def test_it_answers_a_malformed_address_with_a_404_page_and_a_search_box(client, path):
    page = client.get(path)
    assert page.status_code == 404
    assert 'id="error-search"' in page.text
    assert "<script>" not in page.text.split("<main", 1)[1]


@pytest.mark.parametrize("path, expected", [
    ("/papers/date/2025-13-01", "YYYY-MM-DD"),
    ("/papers/date/2025-02-30", "YYYY-MM-DD"),
    ("/papers/date/yesterday", "YYYY-MM-DD"),
    ("/papers/week/2025-W60", "YYYY-Www"),
    ("/papers/week/2025-24", "YYYY-Www"),
    ("/papers/month/2025-13", "YYYY-MM"),
    ("/papers/month/June", "YYYY-MM"),
    ("/papers?date=tomorrow", "YYYY-MM-DD"),
])
def test_it_explains_a_malformed_period_with_a_404_page(client, path, expected):
    page = client.get(path)
    assert page.status_code == 404
    assert expected in page.text and 'id="error-search"' in page.text


@pytest.mark.parametrize("path", ["/papers/month/2025-06?page=0", "/papers/month/2025-06?page=x",
                                  "/papers/week/2025-W24?page=-1", "/users/alice?page=abc"])
def test_it_answers_a_malformed_parameter_with_a_400_page(client, path):
    page = client.get(path)
    assert page.status_code == 400
    assert "page" in page.text and 'id="error-search"' in page.text


def test_it_redirects_other_spellings_of_a_period_to_one_address(client):
    assert client.get("/papers/date/2025-06-10T10:00:00Z", follow_redirects=False
                      ).headers["location"] == "/papers/date/2025-06-10"
    assert client.get("/papers/month/2025-6", follow_redirects=False
                      ).headers["location"] == "/papers/month/2025-06"
    assert client.get("/papers?date=2025-06-10", follow_redirects=False
                      ).headers["location"] == "/papers/date/2025-06-10"


def test_it_shows_html_in_titles_and_abstracts_as_text(client):
    for path in ("/papers/date/2025-06-16", f"/papers/{HOSTILE_ID}"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in text
        assert "$O(n^2)$" in text  # left for KaTeX to draw in the browser
    assert "Mallory &lt;b&gt;Evil&lt;/b&gt;" in client.get(f"/papers/{HOSTILE_ID}").text


def test_it_sends_security_headers_with_pages(client):
    page = client.get("/papers")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "set-cookie" not in page.headers  # reading sets no cookie


def test_it_serves_the_vendored_assets_itself(client):
    page = client.get("/papers").text
    for asset in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        response = client.get(asset)
        assert response.status_code == 200, asset
    css = client.get("/static/vendor/katex/katex.min.css").text
    font = re.search(r"url\((fonts/[^)]+\.woff2)\)", css).group(1)
    assert client.get(f"/static/vendor/katex/{font}").status_code == 200
    assert "http://" not in page.split("<body", 1)[0] and "https://" not in page.split("<body")[0]


def test_it_shows_a_user_page_with_submissions(client):
    page = client.get("/users/unilm")
    assert page.status_code == 200
    assert "Reinforcement Pre-Training" in page.text
    assert client.get("/users/nobody-here").status_code == 404


def test_it_keeps_the_paper_that_is_in_no_feed_readable(client):
    page = client.get(f"/papers/{UNLISTED_ID}")
    assert page.status_code == 200 and "Standing" not in page.text


def test_it_answers_an_unexpected_error_with_a_plain_500_page(app, client, caplog):
    def broken() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/broken-for-test", broken)  # any route that fails unexpectedly
    app.add_api_route("/api/broken-for-test", broken)
    page = client.get("/broken-for-test")
    assert page.status_code == 500
    assert "Something went wrong" in page.text and 'id="error-search"' in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text
    api = client.get("/api/broken-for-test")
    assert api.status_code == 500 and api.json() == {"detail": "Internal Server Error"}
    assert "secret internals" in caplog.text  # logged for the admin, not shown


@pytest.mark.parametrize("path", ["/", "/papers/date/2025-06-10", "/papers/2506.08007"])
def test_it_answers_head_requests_for_pages(client, path):
    assert client.head(path).status_code == 200


def test_it_runs_handlers_in_as_many_threads_as_configured(settings, db):
    import anyio

    from dailypapers.web.app import create_app

    app = create_app(settings.model_copy(update={"web_threads": 3}), db)

    async def tokens() -> dict:
        return {"tokens": anyio.to_thread.current_default_thread_limiter().total_tokens}

    app.add_api_route("/threads-for-test", tokens)
    with TestClient(app) as client:
        assert client.get("/threads-for-test").json() == {"tokens": 3}
        assert client.get("/papers/date/2025-06-10").status_code == 200
