"""Collections over HTTP: "Add to collection" from a card (htmx in place, and the plain form
without JavaScript), a collection's page with notes, reordering, privacy and deletion, the
owner checks as attacks, and the citation files of a paper, a collection, a search and a feed."""

from __future__ import annotations

import re

import bibtexparser
import pytest
import rispy

from dailypapers.library import collections
from tests.support import data
from tests.support.web import HTMX, csrf_token_of, submit_form

pytestmark = pytest.mark.store("feed")

PAPERS = ["2506.09984", "2506.09350"]


def _items(html: str) -> list[str]:
    return re.findall(r'<li class="card" id="item-([^"]+)"', html)


def test_a_reader_adds_a_paper_from_its_card_without_javascript(as_user, alice):
    client = as_user(alice)
    day = client.get("/papers/date/2025-06-16").text
    picker = re.search(r'<a class="collect" href="([^"]+)"', day).group(1).replace("&amp;", "&")
    page = client.get(picker)
    assert page.status_code == 200 and "Make it and add" in page.text
    paper = re.search(r'name="paper" value="([^"]+)"', page.text).group(1)
    made = submit_form(
        client,
        "/collections/add",
        {"paper": paper, "title": "To read", "next": "/papers/date/2025-06-16"},
        page=picker,
        follow_redirects=False,
    )
    assert made.status_code == 303 and made.headers["location"] == "/papers/date/2025-06-16"
    (mine,) = collections.of_user(client.app.state.db, alice)
    assert mine.title == "To read" and mine.private and mine.item_count == 1


def test_a_reader_adds_with_htmx_in_place(as_user, alice, db):
    made = collections.create(db, alice, {"title": "Reading"})
    client = as_user(alice)
    fragment = client.get(f"/collections/add?paper={PAPERS[0]}&next=/", headers=HTMX)
    assert "<html" not in fragment.text and "Reading" in fragment.text
    token = csrf_token_of(fragment.text)
    added = client.post(
        f"/collections/{made.id}/items",
        data={"csrf_token": token, "paper": PAPERS[0], "next": "/"},
        headers=HTMX,
    )
    assert added.status_code == 200 and "Added to" in added.text and made.path in added.text


def test_the_owner_notes_reorders_renames_and_deletes(as_user, alice, db):
    made = collections.create(db, alice, {"title": "Mine"})
    for paper in PAPERS:
        collections.add(db, alice, made.id, paper)
    client = as_user(alice)
    page = client.get(made.path)
    assert _items(page.text) == PAPERS and "Save the note" in page.text
    assert page.headers["cache-control"].startswith("no-store")
    token = csrf_token_of(page.text)
    post = {"csrf_token": token, "paper": PAPERS[1]}
    client.post(f"{made.path}/items/up", data=post)
    client.post(f"{made.path}/items/note", data={**post, "note": "Read <b>first</b>"})
    client.post(made.path, data={"csrf_token": token, "title": "Renamed", "private": ""})
    page = client.get(made.path).text
    assert _items(page) == PAPERS[::-1] and "Read &lt;b&gt;first&lt;/b&gt;" in page
    assert "<h1>Renamed</h1>" in page
    client.post(f"{made.path}/items/remove", data=post)
    assert _items(client.get(made.path).text) == PAPERS[:1]
    gone = client.post(f"{made.path}/delete", data={"csrf_token": token}, follow_redirects=False)
    assert gone.headers["location"] == "/collections"
    assert client.get(made.path).status_code == 404


def test_it_keeps_alices_private_collection_from_bob(as_user, alice, bob, db, client):
    made = collections.create(db, alice, {"title": "Secret plans"})
    collections.add(db, alice, made.id, PAPERS[0])
    for reader in (client, as_user(bob)):
        for path in (made.path, f"{made.path}.bib", f"{made.path}.json"):
            answer = reader.get(path)
            assert answer.status_code == 404 and "Secret plans" not in answer.text


def test_it_refuses_bob_adding_to_alices_collection(as_user, alice, bob, db):
    made = collections.create(db, alice, {"title": "Public", "private": False})
    bobs = as_user(bob)
    page = bobs.get(made.path)
    assert page.status_code == 200 and "Save the note" not in page.text
    token = csrf_token_of(bobs.get("/collections").text)
    refused = bobs.post(f"{made.path}/items", data={"csrf_token": token, "paper": PAPERS[0]})
    assert refused.status_code == 403
    assert collections.readable(db, made.id, None).item_count == 0
    no_token = bobs.post(f"{made.path}/delete", data={})
    assert no_token.status_code in (400, 403) and collections.readable(db, made.id, None)


def test_a_papers_page_has_a_cite_box_and_its_files(client):
    page = client.get(f"/papers/{PAPERS[0]}").text
    assert '<pre id="bibtex"' in page and "archivePrefix = {arXiv}" in page
    bib = client.get(f"/papers/{PAPERS[0]}.bib")
    assert bib.headers["content-type"] == "application/x-bibtex; charset=utf-8"
    assert bib.headers["content-disposition"] == f'attachment; filename="{PAPERS[0]}.bib"'
    (entry,) = bibtexparser.parse_string(bib.text).entries
    assert entry["eprint"] == PAPERS[0]
    ris = client.get(f"/papers/{PAPERS[0]}.ris")
    assert rispy.loads(ris.text)[0]["doi"] == f"10.48550/arXiv.{PAPERS[0]}"
    assert client.get(f"/papers/{PAPERS[0]}.json").json()[0]["DOI"].endswith(PAPERS[0])
    assert client.get("/papers/2506.00001.bib").status_code == 404


def test_a_collection_a_search_and_a_feed_export(client, db, alice):
    made = collections.create(db, alice, {"title": "Open", "private": False})
    for paper in PAPERS:
        collections.add(db, alice, made.id, paper)
    bib = client.get(f"{made.path}.bib")
    assert [e["eprint"] for e in bibtexparser.parse_string(bib.text).entries] == PAPERS
    assert f'filename="collection-{made.id}-Open.bib"' in bib.headers["content-disposition"]
    found = client.get("/search.bib", params={"q": "video", "mode": "keyword"})
    assert found.status_code == 200 and bibtexparser.parse_string(found.text).entries
    feed = data.feed(db, alice, "Ceyuan Yang", authors=["Ceyuan Yang"])
    assert f'href="{feed.path}.bib"' in client.get(feed.path).text
    entries = rispy.loads(client.get(f"/following/{feed.id}.ris").text)
    assert len(entries) == 3
    hidden = data.feed(db, alice, "Hidden", authors=["Ceyuan Yang"], private=True)
    assert client.get(f"/following/{hidden.id}.bib").status_code == 404
