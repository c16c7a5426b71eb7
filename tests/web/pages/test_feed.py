"""The feed's pages over HTTP: days, weeks, months, trending, and bad periods."""

from __future__ import annotations

import re

import pytest

from tests.support.corpora import HOSTILE_ID

pytestmark = pytest.mark.store("feed")


def cards_of(html: str) -> list[str]:
    """arXiv ids of the cards on a page, in order."""
    return re.findall(
        r'<h2 class="card-title" id="t\d+"><a class="tex" href="/papers/([^"]+)"', html
    )


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
    assert "Qingxiu Dong, Li Dong, Yao Tang et al." in re.sub(r"<[^>]+>", "", card)
    assert "7 authors" in card and 'href="/authors/Qingxiu%20Dong"' in card
    assert '<span class="count">97</span>' in card
    assert "0 comments" in card
    assert '<details class="abstract">' in card and "next-token prediction" in card


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


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/papers/date/2025-13-01", "YYYY-MM-DD"),
        ("/papers/date/2025-02-30", "YYYY-MM-DD"),
        ("/papers/date/yesterday", "YYYY-MM-DD"),
        ("/papers/week/2025-W60", "YYYY-Www"),
        ("/papers/week/2025-24", "YYYY-Www"),
        ("/papers/month/2025-13", "YYYY-MM"),
        ("/papers/month/June", "YYYY-MM"),
        ("/papers?date=tomorrow", "YYYY-MM-DD"),
    ],
)
def test_it_explains_a_malformed_period_with_a_404_page(client, path, expected):
    page = client.get(path)
    assert page.status_code == 404
    assert expected in page.text and 'id="error-search"' in page.text


def test_it_redirects_other_spellings_of_a_period_to_one_address(client):
    assert (
        client.get("/papers/date/2025-06-10T10:00:00Z", follow_redirects=False).headers["location"]
        == "/papers/date/2025-06-10"
    )
    assert (
        client.get("/papers/month/2025-6", follow_redirects=False).headers["location"]
        == "/papers/month/2025-06"
    )
    assert (
        client.get("/papers?date=2025-06-10", follow_redirects=False).headers["location"]
        == "/papers/date/2025-06-10"
    )
