"""The private "for you" feed: made on the settings page, the reader's personal ranking as Atom /
RSS, gone when revoked."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from starlette.testclient import TestClient

from dailypapers.digest import personal
from dailypapers.search import embedder, indexing
from dailypapers.web.app import create_app
from tests.site.conftest import sign_up, token_of


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    embedder.load(folder)  # builds the int8 model once for the session
    return folder


@pytest.fixture
def app(settings, imported, model_dir):
    ready = settings.model_copy(update={"search_model_dir": model_dir,
                                        "search_embed_interval": 0.0})
    indexing.embed_pending(imported, ready)  # the embeddings the personal model reads
    return create_app(ready, imported)


def _feed_address(client: TestClient) -> str:
    page = client.get("/settings/tokens")
    answer = client.post("/settings/tokens", data={"csrf_token": token_of(page.text),
                                                   "kind": "feed", "name": "for you"})
    assert answer.status_code == 200
    url = re.search(r'id="new-feed"[^>]*value="([^"]+)"', answer.text).group(1)
    assert url not in client.get("/settings/tokens").text  # shown once
    return url.removeprefix("http://testserver")


def test_a_reader_follows_their_for_you_list_until_they_revoke_it(app, imported):
    with TestClient(app, raise_server_exceptions=False) as alice:
        sign_up(alice, "alice")
        address = _feed_address(alice)
        empty = feedparser.parse(alice.get(address).content)
        assert empty.bozo is False and empty.entries == []
        assert "Upvote or save" in empty.feed.subtitle
        user_id = _user_id(imported, "alice")
        for paper in ("2506.08007", "2506.07044"):
            page = alice.get(f"/papers/{paper}")
            alice.post(f"/papers/{paper}/vote", data={"csrf_token": token_of(page.text),
                                                      "vote": "up"})
        ranked, _notice = personal.for_user(imported, app.state.settings, user_id, limit=50)
        assert ranked
        for fmt in ("atom", "rss"):
            parsed = feedparser.parse(alice.get(address.replace(".atom", f".{fmt}")).content)
            assert parsed.bozo is False
            assert [e.link.rsplit("/papers/", 1)[1] for e in parsed.entries] == [
                card["arxiv_id"] for card, _ in ranked]
        page = alice.get("/settings/tokens")
        feed_id = re.search(r'name="token_id" value="(\d+)"', page.text).group(1)
        alice.post("/settings/tokens/revoke",
                   data={"csrf_token": token_of(page.text), "token_id": feed_id})
        gone = alice.get(address)
        assert gone.status_code == 404 and gone.json()["parameter"] == "token"


def test_an_unknown_feed_address_is_404(app):
    with TestClient(app) as client:
        assert client.get("/feeds/for-you/dpf_nothing.atom").status_code == 404
        # An API token is no feed address.
        assert client.get("/feeds/for-you/dp_nothing.rss").status_code == 404


def _user_id(db, username: str) -> int:
    from dailypapers.store import users as user_store

    with db.read() as conn:
        return user_store.get_by_username(conn, username)["id"]
