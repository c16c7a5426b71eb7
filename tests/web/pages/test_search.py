"""The /search page: results as the site's cards with highlights, votes, the save-as-alert form,
the search's feeds, filters in the URL, tips, and bad input."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import feedparser
import lxml.html
import pytest
from fastapi.testclient import TestClient

from dailypapers.digest import account
from dailypapers.ingest import importer
from dailypapers.papers import catalog
from dailypapers.search import service
from dailypapers.web.app import create_app
from dailypapers.web.plumbing.rendering import templates
from tests.support.web import sign_in

pytestmark = pytest.mark.store("search")

RPT = "2506.08007"  # "Reinforcement Pre-Training", 7 authors, in the corpus with upstream upvotes


@pytest.fixture
def client(indexed, search_settings):
    with TestClient(create_app(search_settings, indexed)) as test_client:
        yield test_client


def test_it_shows_results_with_highlighted_matches(client):
    page = client.get("/search", params={"q": "reinforcement pre-training"})
    assert page.status_code == 200
    assert "<mark>Reinforcement</mark> <mark>Pre</mark>-<mark>Training</mark>" in page.text
    assert 'href="/papers/2506.08007"' in page.text


def test_an_empty_query_shows_the_tips(client):
    page = client.get("/search")
    assert page.status_code == 200 and "Search tips" in page.text and "au:" in page.text


def test_filters_and_sort_live_in_the_url(client):
    page = client.get(
        "/search",
        params={
            "q": "language",
            "mode": "keyword",
            "sort": "newest",
            "category": "cs.CL",
            "date_from": "2025-06-01",
            "date_to": "2025-06-30",
        },
    )
    assert page.status_code == 200
    assert 'value="cs.CL"' in page.text and '<option value="newest" selected>' in page.text
    assert 'value="2025-06-01"' in page.text
    assert "cs.CL" in page.text and "result" in page.text


def test_it_pages_with_shareable_links(client):
    page = client.get("/search", params={"q": "model", "mode": "keyword"})
    assert 'rel="next"' in page.text and "page=2" in page.text
    second = client.get("/search", params={"q": "model", "mode": "keyword", "page": "2"})
    assert second.status_code == 200 and 'rel="prev"' in second.text


@pytest.mark.parametrize(
    "q",
    ['"unbalanced', "x" * 3000, "'; DROP TABLE papers; --", "🚀", "NEAR(a*) ^ :", "cat:' from:now"],
)
def test_bad_input_never_breaks_the_page(client, q):
    page = client.get(
        "/search",
        params={"q": q, "mode": "bogus", "sort": "bogus", "page": "-3", "date_from": "soon"},
    )
    assert page.status_code == 200


@pytest.mark.parametrize("page", ["\u00b2", "\u0663", "9" * 5000])
def test_it_keeps_the_search_page_up_for_a_page_number_int_cannot_read(client, page):
    answer = client.get("/search", params={"q": "model", "mode": "keyword", "page": page})
    assert answer.status_code == 200 and 'rel="prev"' not in answer.text  # the first page


def test_the_similar_papers_partial_renders(indexed, search_settings):
    # Ids come from the store's sequences, which earlier tests of a run move on: look one up.
    paper = catalog.card(indexed, RPT)
    similar = service.similar_papers(indexed, search_settings, paper.id, k=5)
    html = templates.get_template("similar_papers.html").render(similar=similar)
    assert html.count("<li>") == 5 and "Similar papers" in html


# -- the results as the site's cards, votes, alerts, feeds ---------------------------------------


def result_cards(html: str) -> list:
    """The result cards of a search page (lxml elements), in order."""
    doc = lxml.html.fromstring(html)
    return doc.xpath("//ol[contains(@class, 'search-results')]/li[contains(@class, 'card')]")


def signin_next(href: str) -> str:
    """Where a sign-in link comes back to."""
    parts = urlsplit(href)
    assert parts.path == "/signin"
    return parse_qs(parts.query)["next"][0]


def card_of(html: str, arxiv_id: str):
    for card in result_cards(html):
        if card.xpath(f".//h2[@class='card-title']/a[@href='/papers/{arxiv_id}']"):
            return card
    raise AssertionError(f"no card of {arxiv_id} on the page")


def test_results_are_the_sites_cards_with_the_matches_marked(client):
    page = client.get("/search", params={"q": "reinforcement pre-training"})
    card = card_of(page.text, RPT)
    title = card.xpath(".//h2[@class='card-title']/a")[0]
    assert title.text_content() == "Reinforcement Pre-Training"  # the segments join back
    assert [m.text for m in title.xpath("mark")] == ["Reinforcement", "Pre", "Training"]
    vote = card.xpath(".//div[@class='card-vote']/a[contains(@class, 'vote')]")[0]
    assert signin_next(vote.get("href")) == f"/search?q=reinforcement+pre-training#{card.get('id')}"
    assert int(vote.xpath(".//span[@class='count']")[0].text.replace(",", "")) > 0
    meta = card.xpath(".//p[@class='card-meta']")[0].text_content()
    assert "Qingxiu Dong, Li Dong, Yao Tang et al." in meta and "7 authors" in meta
    assert (
        card.xpath(f".//p[@class='card-links']/a[@href='/papers/{RPT}#discussion']")[0].text
        == "0 comments"
    )
    abstract = card.xpath(".//details[@class='abstract']")[0]
    assert abstract.xpath(".//summary//mark") and abstract.xpath("./p//mark")
    assert "next-token prediction" in abstract.xpath("./p")[0].text_content()
    assert (
        "papers for"
        in lxml.html.fromstring(page.text)
        .xpath("//p[contains(@class, 'count-line')]")[0]
        .text_content()
    )


def test_a_pasted_arxiv_id_comes_first_and_is_marked_as_the_paper_asked_for(client):
    page = client.get("/search", params={"q": f"https://arxiv.org/abs/{RPT}v2"})
    first = result_cards(page.text)[0]
    assert "direct-hit" in first.get("class")
    assert "the paper you asked for" in first.text_content().lower()
    assert first.xpath(f".//a[@href='/papers/{RPT}']")


def test_a_signed_in_reader_upvotes_a_result_with_and_without_htmx(client, alice):
    sign_in(client, alice)
    url = "/search?q=reinforcement+pre-training"
    page = client.get(url)
    card = card_of(page.text, RPT)
    form = card.xpath(".//form[@class='vote-form']")[0]
    assert form.get("hx-post") == f"/papers/{RPT}/vote"
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    before = int(form.xpath(".//span[@class='count']")[0].text.replace(",", ""))
    assert fields["vote"] == "up" and fields["next"] == f"{url}#{card.get('id')}"

    plain = client.post(form.get("action"), data=fields, follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"] == fields["next"]
    button = card_of(client.get(url).text, RPT).xpath(".//button[contains(@class, 'vote')]")[0]
    assert button.get("aria-pressed") == "true"
    assert int(button.xpath(".//span[@class='count']")[0].text.replace(",", "")) == before + 1

    undo = client.post(
        form.get("action"), data={**fields, "vote": "none"}, headers={"HX-Request": "true"}
    )
    fragment = lxml.html.fragment_fromstring(undo.text.strip())
    assert undo.status_code == 200 and fragment.get("class") == "vote-form"
    assert fragment.xpath(".//button")[0].get("aria-pressed") == "false"
    assert fragment.xpath(".//input[@name='next']")[0].get("value") == url


def test_a_search_is_saved_as_an_alert_from_its_page(client, indexed, alice):
    params = {"q": "sparse attention", "mode": "keyword", "category": "cs.CL"}
    signed_out = lxml.html.fromstring(client.get("/search", params=params).text)
    [link] = signed_out.xpath("//a[@class='save-search']")
    assert signin_next(link.get("href")) == "/search?" + urlencode(params)

    sign_in(client, alice)
    page = lxml.html.fromstring(client.get("/search", params=params).text)
    [form] = page.xpath("//form[contains(@class, 'save-search')]")
    assert form.get("method") == "post" and form.get("action") == "/search/alerts"
    fields = {i.get("name"): i.get("value") for i in form.xpath(".//input")}
    assert fields["csrf_token"] and {k: fields[k] for k in params} == params
    saved = client.post("/search/alerts", data=fields, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith("/settings/digest")
    [alert] = account.of(indexed, alice).alerts
    assert alert.query == "sparse attention"
    assert alert.filters == {"mode": "keyword", "category": "cs.CL"}
    assert "sparse attention" in client.get("/settings/digest").text
    # No form where there is nothing to save, or where the alert would refuse the query.
    for empty in ({}, {"q": "   "}, {"q": "word " * 120}):
        assert "save-search" not in client.get("/search", params=empty).text


def test_it_advertises_the_feed_of_the_search(client):
    page = lxml.html.fromstring(client.get("/search", params={"q": "pre-training"}).text)
    head = {
        link.get("type"): link.get("href") for link in page.xpath("//head/link[@rel='alternate']")
    }
    assert head == {
        "application/atom+xml": "/feeds/search.atom?q=pre-training",
        "application/rss+xml": "/feeds/search.rss?q=pre-training",
    }
    visible = [a.get("href") for a in page.xpath("//*[@class='feed-links']/a")]
    assert visible == list(head.values())
    feed = client.get(head["application/atom+xml"])
    assert feed.status_code == 200 and "Reinforcement Pre-Training" in feed.text
    # A query too long for a feed advertises none of its own (the site's daily feed instead).
    long = lxml.html.fromstring(client.get("/search", params={"q": "pre-training " * 160}).text)
    assert [link.get("href") for link in long.xpath("//head/link[@rel='alternate']")] == [
        "/feeds/papers.atom",
        "/feeds/papers.rss",
    ]
    assert not long.xpath("//*[@class='feed-links']")


def test_a_search_without_results_says_so_and_shows_the_tips(client):
    page = client.get("/search", params={"q": "qwxzvbnm", "mode": "keyword"})
    assert page.status_code == 200
    assert "No papers match" in page.text and "Search tips" in page.text
    assert not result_cards(page.text)


@pytest.mark.store("empty")
def test_it_shows_the_notice_when_semantic_search_is_off(db, search_settings, search_corpus):
    importer.import_paths(db, search_corpus[:1])  # papers without embeddings: no vector index
    client = TestClient(create_app(search_settings, db))
    answer = client.get("/search", params={"q": "language models"})
    page = lxml.html.fromstring(answer.text)
    [notice] = page.xpath("//p[contains(@class, 'search-notice')]")
    assert "keyword" in notice.text_content().lower()
    assert result_cards(answer.text), answer.text


def test_a_filtered_search_advertises_a_feed_with_its_filters_and_its_papers(client):
    params = {
        "q": "language model",
        "mode": "keyword",
        "sort": "newest",
        "category": "cs.CL",
        "date_from": "2025-06-01",
        "date_to": "soon",
    }  # an unreadable date is ignored
    page = lxml.html.fromstring(client.get("/search", params=params).text)
    atom = page.xpath("//head/link[@rel='alternate' and @type='application/atom+xml']/@href")
    assert atom == [
        "/feeds/search.atom?q=language+model&mode=keyword&sort=newest"
        "&category=cs.CL&date_from=2025-06-01"
    ]
    on_page = [
        a.get("href").rsplit("/", 1)[1] for a in page.xpath("//article//h2[@class='card-title']/a")
    ]
    feed = feedparser.parse(client.get(atom[0]).content)
    assert feed.bozo is False and on_page
    assert [e.link.rsplit("/papers/", 1)[1] for e in feed.entries][: len(on_page)] == on_page
    assert feed.feed.title.endswith("search: language model in cs.CL from 2025-06-01 (keyword)")
    unfiltered = feedparser.parse(
        client.get("/feeds/search.atom", params={"q": "language model"}).content
    )
    assert [e.link for e in unfiltered.entries] != [e.link for e in feed.entries]


def test_a_category_alone_lists_its_papers_and_has_a_feed(client, indexed):
    page = lxml.html.fromstring(client.get("/search", params={"category": "cs.CV"}).text)
    on_page = [
        a.get("href").rsplit("/", 1)[1] for a in page.xpath("//article//h2[@class='card-title']/a")
    ]
    atom = page.xpath("//head/link[@rel='alternate' and @type='application/atom+xml']/@href")
    assert atom == ["/feeds/search.atom?category=cs.CV"]
    feed = feedparser.parse(client.get(atom[0]).content)
    assert feed.bozo is False and on_page
    assert [e.link.rsplit("/papers/", 1)[1] for e in feed.entries][: len(on_page)] == on_page
    categories = [catalog.card(indexed, arxiv_id).categories for arxiv_id in on_page]
    assert all("cs.CV" in listed for listed in categories), categories
