"""RSS and Atom feeds: valid for feedparser, the same papers in the same order as the views."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import feedparser
import pytest
from starlette.requests import Request

from dailypapers.accounts import registration
from dailypapers.papers import listing
from dailypapers.web.feeds.links import feed_links
from dailypapers.web.feeds.writer import Feed, render

pytestmark = pytest.mark.store("api")

VIEWS = [
    ("/feeds/papers", lambda db: listing.day(db, limit=50)),
    ("/feeds/papers/date/2025-06-10", lambda db: listing.day(db, date(2025, 6, 10), limit=50)),
    ("/feeds/papers/week/2025-W24", lambda db: listing.week(db, "2025-W24", limit=50)),
    ("/feeds/papers/month/2025-06", lambda db: listing.month(db, "2025-06", limit=50)),
    ("/feeds/papers/trending", lambda db: listing.trending(db, limit=50)),
]


@pytest.mark.parametrize("fmt", ["atom", "rss"])
@pytest.mark.parametrize(("path", "view"), VIEWS, ids=[v[0] for v in VIEWS])
def test_each_view_has_a_valid_feed_with_the_views_papers_in_order(client, db, path, view, fmt):
    answer = client.get(f"{path}.{fmt}")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(f"application/{fmt}+xml")
    parsed = feedparser.parse(answer.content)
    assert parsed.bozo is False, parsed.get("bozo_exception")
    expected, seen = [], set()
    for card in view(db).cards:  # the view's papers in order, each once (a paper may enter
        if card.arxiv_id not in seen:  # the feed on two days of one window)
            seen.add(card.arxiv_id)
            expected.append(card)
    assert expected
    assert [e.link for e in parsed.entries] == [
        f"http://testserver/papers/{card.arxiv_id}" for card in expected
    ]
    assert [e.title for e in parsed.entries] == [card.title for card in expected]
    first = parsed.entries[0]
    assert first.summary.startswith(expected[0].abstract[:40].split("\n")[0])
    if fmt == "atom":
        assert [a.name for a in first.authors][:3] == expected[0].authors[:3]
        assert parsed.feed.links[0].href == f"http://testserver{path}.atom"


def test_a_users_feed_lists_their_submissions_newest_first(client, db):
    api = client.get("/api/daily_papers", params={"date": "2025-06-10", "limit": 1}).json()[0]
    name = api["submittedBy"]["name"]
    parsed = feedparser.parse(client.get(f"/feeds/users/{name}.atom").content)
    assert parsed.bozo is False
    theirs = client.get("/api/daily_papers", params={"submitter": name, "limit": 50}).json()
    assert [e.link.rsplit("/papers/", 1)[1] for e in parsed.entries] == [
        e["paper"]["id"] for e in theirs
    ]
    assert registration.find(db, name) is not None
    assert client.get("/feeds/users/nobody-at-all.atom").status_code == 404


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/feeds/papers/date/2025-13-01.atom", "date"),
        ("/feeds/papers/year/2025.atom", "period"),
        ("/feeds/papers/week/2025-W99.rss", "week"),
        ("/feeds/papers/month/June.atom", "month"),
        ("/feeds/papers/trending.xml", "fmt"),
    ],
)
def test_a_bad_feed_address_is_a_4xx_naming_the_part(client, path, parameter):
    answer = client.get(path)
    assert answer.status_code == 400 and answer.json()["parameter"] == parameter


def _request(path: str, query: str = "") -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": path,
            "query_string": query.encode(),
            "headers": [],
        }
    )


@pytest.mark.parametrize(
    ("path", "query", "atom"),
    [
        ("/", "", "/feeds/papers.atom"),
        ("/papers", "", "/feeds/papers.atom"),
        ("/papers/date/2025-06-10", "", "/feeds/papers/date/2025-06-10.atom"),
        ("/papers/week/2025-W24", "", "/feeds/papers/week/2025-W24.atom"),
        ("/papers/month/2025-06", "", "/feeds/papers/month/2025-06.atom"),
        ("/papers/trending", "", "/feeds/papers/trending.atom"),
        ("/users/alice", "", "/feeds/users/alice.atom"),
        ("/search", "q=diffusion+models", "/feeds/search.atom?q=diffusion+models"),
        ("/papers/2506.08007", "", "/feeds/papers.atom"),
    ],
)
def test_every_page_advertises_its_feed(path, query, atom):
    links = feed_links(_request(path, query))
    assert [link["href"] for link in links] == [atom, atom.replace(".atom", ".rss")]
    assert [link["type"] for link in links] == ["application/atom+xml", "application/rss+xml"]


def test_the_base_layout_carries_the_autodiscovery_links(client):
    page = client.get("/").text
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feeds/papers.atom"' in page and 'href="/feeds/papers.rss"' in page


@pytest.mark.parametrize(
    "path",
    [
        "/papers",
        "/papers/date/2025-06-10",
        "/papers/week/2025-W24",
        "/papers/month/2025-06",
        "/papers/trending",
        "/users/594zyc",
    ],
)
def test_each_list_page_advertises_a_feed_with_its_papers_in_its_order(client, path):
    html = client.get(path).text
    advertised = re.findall(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
        r'href="([^"]+)">',
        html,
    )
    assert advertised == [f"/feeds{path}.atom"]
    on_page = list(dict.fromkeys(re.findall(r'href="/papers/(\d{4}\.\d{4,5})"', html)))
    parsed = feedparser.parse(client.get(advertised[0]).content)
    assert parsed.bozo is False and on_page
    in_feed = [entry.link.rsplit("/papers/", 1)[1] for entry in parsed.entries]
    shown = min(len(on_page), len(in_feed))
    assert in_feed[:shown] == on_page[:shown]


def test_text_xml_cannot_carry_is_dropped_not_a_crash(db, settings):
    card = listing.day(db, date(2025, 6, 10), limit=1).cards[0]
    card = dataclasses.replace(card, title="Bell\x07 and \x00null\ud800", authors=["A\x0bB"])
    for fmt in ("atom", "rss"):
        body = render(
            Feed("search: q\x1b[0m", "/search", "/feeds/search", "d\x00"),
            [card],
            fmt,
            settings,
            "q=%1B",
        )
        parsed = feedparser.parse(body)
        assert parsed.bozo is False and parsed.entries[0].title == "Bell and null"
