"""A reader's feeds over HTTP: following from author, category and search pages in one click,
the feed page, its Atom and RSS (feedparser), "your feeds" with edit and delete (CSRF, htmx or
not), and the owner checks as attacks."""

from __future__ import annotations

import re
from urllib.parse import quote

import feedparser
import pytest

from dailypapers.feeds import service
from tests.support import categories as listed
from tests.support.web import HTMX, csrf_token_of, submit_form

pytestmark = pytest.mark.store("feed")

CEYUAN_YANG = ["2506.09984", "2506.09350", "2506.09113"]


def _paper_links(html: str) -> list[str]:
    return re.findall(r'<h2 class="card-title"[^>]*><a class="tex" href="/papers/([^"]+)"', html)


def _follow(client, page: str, fields: dict):
    return submit_form(client, "/following", fields, page=page, follow_redirects=False)


def test_a_reader_follows_an_author_from_their_page_and_lands_on_the_feed(as_user, alice):
    client = as_user(alice)
    author = "/authors/" + quote("Ceyuan Yang")
    page = client.get(author).text
    assert 'action="/following"' in page and "Follow Ceyuan Yang" in page
    made = _follow(client, author, {"name": "Ceyuan Yang", "authors": "Ceyuan Yang"})
    assert made.status_code == 303 and re.fullmatch(r"/following/\d+", made.headers["location"])
    feed = client.get(made.headers["location"])
    assert feed.status_code == 200 and "<h1>Ceyuan Yang</h1>" in feed.text
    assert _paper_links(feed.text) == CEYUAN_YANG
    assert "Ceyuan Yang" in client.get("/following").text


def test_a_reader_follows_a_category_minus_a_word(as_user, alice, db, tmp_path):
    categorized = listed.listed_feed(db, tmp_path)
    client = as_user(alice)
    page = client.get("/categories/cs.CL").text
    assert "Follow cs.CL" in page and 'name="without"' in page
    fields = {"name": "cs.CL", "categories": "cs.CL", "without": "benchmark"}
    made = _follow(client, "/categories/cs.CL", fields)
    feed = client.get(made.headers["location"]).text
    shown = set(_paper_links(feed))
    assert shown and shown <= {a for a, c in categorized.items() if "cs.CL" in c} | {"2506.99002"}
    assert "2506.10960" not in shown  # ChineseHarm-Bench: a benchmark
    assert "-benchmark" in feed


def test_a_reader_follows_a_search(as_user, alice):
    client = as_user(alice)
    page = client.get("/search", params={"q": "video", "mode": "keyword"}).text
    assert "Follow this search" in page
    made = _follow(client, "/search?q=video", {"name": "video", "query": "video"})
    assert made.status_code == 303
    assert _paper_links(client.get(made.headers["location"]).text)


def test_a_signed_out_reader_is_asked_to_sign_in_to_follow(client):
    page = client.get("/authors/" + quote("Ceyuan Yang")).text
    assert "Sign in to follow" in page and 'action="/following"' not in page


def test_a_bad_field_is_shown_beside_the_form(as_user, alice):
    client = as_user(alice)
    answer = _follow(client, "/following", {"name": "x", "categories": "cs.NOPE"})
    assert answer.status_code == 400 and "arXiv has no category" in answer.text.replace("&#39;", "")
    assert 'aria-invalid="true" aria-describedby="categories-error"' in answer.text
    assert service.of_user(client.app.state.db, alice) == []


def test_its_atom_and_rss_hold_the_feeds_papers(client, db, alice):
    feed = service.create(db, alice, {"name": "Yang", "authors": ["Ceyuan Yang"]})
    atom = client.get(f"/feeds/following/{feed.id}.atom")
    assert atom.status_code == 200 and atom.headers["content-type"].startswith("application/atom")
    parsed = feedparser.parse(atom.content)
    assert not parsed.bozo
    assert [e.link.rsplit("/", 1)[1] for e in parsed.entries] == CEYUAN_YANG
    rss = feedparser.parse(client.get(f"/feeds/following/{feed.id}.rss").content)
    assert not rss.bozo and len(rss.entries) == 3


def test_it_keeps_alices_private_feed_from_bob(as_user, client, db, alice, bob, settings):
    feed = service.create(
        db, alice, {"name": "Secret", "authors": ["Ceyuan Yang"], "private": True}
    )
    bobs = as_user(bob)
    assert bobs.get(feed.path).status_code == 404
    assert client.get(feed.path).status_code == 404
    assert client.get(f"/feeds/following/{feed.id}.atom").status_code == 404
    assert client.get(f"/feeds/following/{feed.id}/forged.atom").status_code == 404
    assert bobs.get(f"/api/feeds/{feed.id}/papers").status_code == 404


def test_a_private_feeds_owner_sees_its_secret_address_and_a_reader_uses_it(
    as_user, client, db, alice, settings
):
    feed = service.create(
        db, alice, {"name": "Secret", "authors": ["Ceyuan Yang"], "private": True}
    )
    page = as_user(alice).get(feed.path)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    address = re.search(rf'href="(/feeds/following/{feed.id}/[^"]+\.atom)"', page.text)[1]
    answer = client.get(address)
    assert answer.status_code == 200 and "no-store" in answer.headers["cache-control"]
    assert len(feedparser.parse(answer.content).entries) == 3


def test_it_refuses_bob_editing_alices_feed(as_user, db, alice, bob):
    feed = service.create(db, alice, {"name": "Ours", "authors": ["Ceyuan Yang"]})
    bobs = as_user(bob)
    assert bobs.get(f"{feed.path}/edit").status_code == 403
    token = csrf_token_of(bobs.get("/following").text)
    answer = bobs.post(feed.path, data={"csrf_token": token, "name": "Mine now", "query": "x"})
    assert answer.status_code == 403
    answer = bobs.post(f"{feed.path}/delete", data={"csrf_token": token})
    assert answer.status_code == 403
    assert service.readable(db, feed.id).name == "Ours"


def test_it_refuses_a_change_without_the_csrf_token(as_user, db, alice):
    feed = service.create(db, alice, {"name": "Ours", "authors": ["Ceyuan Yang"]})
    client = as_user(alice)
    assert client.post(f"{feed.path}/delete").status_code == 403
    assert client.post(feed.path, data={"name": "Changed", "query": "x"}).status_code == 403
    assert service.readable(db, feed.id).name == "Ours"


def test_its_owner_edits_and_deletes_it_with_or_without_htmx(as_user, db, alice):
    feed = service.create(db, alice, {"name": "Ours", "authors": ["Ceyuan Yang"]})
    other = service.create(db, alice, {"name": "Other", "query": "video"})
    client = as_user(alice)
    form = client.get(f"{feed.path}/edit").text
    assert 'value="Ours"' in form
    fields = {"name": "Renamed", "authors": "Ceyuan Yang", "min_upvotes": "1", "has_code": "on"}
    changed = submit_form(client, feed.path, fields, page=f"{feed.path}/edit",
                          follow_redirects=False)  # fmt: skip
    assert changed.status_code == 303 and changed.headers["location"] == feed.path
    assert service.readable(db, feed.id).min_upvotes == 1
    assert service.readable(db, feed.id).has_code and "With code" in client.get(feed.path).text
    assert 'name="has_code" type="checkbox" checked' in client.get(f"{feed.path}/edit").text
    token = csrf_token_of(client.get("/following").text)
    gone = client.post(f"{feed.path}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/following"
    swapped = client.post(f"{other.path}/delete", data={"csrf_token": token}, headers=HTMX)
    assert swapped.status_code == 200 and swapped.text == ""
    assert service.of_user(db, alice) == []


def test_a_missing_feed_is_a_404(client):
    assert client.get("/following/987654").status_code == 404
    assert client.get("/feeds/following/987654.atom").status_code == 404
