"""The private "for you" feed: made on the settings page, the reader's personal ranking (digest's
``personal.for_user``) as Atom / RSS, gone when revoked."""

from __future__ import annotations

import re

import feedparser
import pytest
from starlette.testclient import TestClient

from dailypapers.digest import personal
from dailypapers.web.app import create_app
from tests.site.conftest import sign_up, token_of


def _feed_address(client: TestClient) -> str:
    page = client.get("/settings/tokens")
    answer = client.post("/settings/tokens", data={"csrf_token": token_of(page.text),
                                                   "kind": "feed", "name": "for you"})
    assert answer.status_code == 200
    url = re.search(r'id="new-feed"[^>]*value="([^"]+)"', answer.text).group(1)
    assert url not in client.get("/settings/tokens").text  # shown once
    return url.removeprefix("http://testserver")


def _revoke_first(client: TestClient) -> None:
    page = client.get("/settings/tokens")
    token_id = re.search(r'name="token_id" value="(\d+)"', page.text).group(1)
    client.post("/settings/tokens/revoke",
                data={"csrf_token": token_of(page.text), "token_id": token_id})


def _user_id(db, username: str) -> int:  # noqa: ANN001
    from dailypapers.store import users as user_store

    with db.read() as conn:
        return user_store.get_by_username(conn, username)["id"]


def test_a_feed_address_works_until_it_is_revoked(settings, imported):
    with TestClient(create_app(settings, imported), raise_server_exceptions=False) as alice:
        sign_up(alice, "alice")
        address = _feed_address(alice)
        ranked, notice = personal.for_user(imported, settings, _user_id(imported, "alice"))
        assert ranked == [] and notice  # nothing upvoted yet (or no embeddings to learn from)
        for fmt in ("atom", "rss"):
            answer = alice.get(address.replace(".atom", f".{fmt}"))
            assert answer.headers["cache-control"] == "private, no-store"
            parsed = feedparser.parse(answer.content)
            assert parsed.bozo is False and parsed.entries == []
            assert notice in parsed.feed.get("subtitle", parsed.feed.get("description", ""))
        _revoke_first(alice)
        gone = alice.get(address)
        assert gone.status_code == 404 and gone.json()["parameter"] == "token"


def test_an_unknown_feed_address_is_404(settings, imported):
    with TestClient(create_app(settings, imported)) as client:
        assert client.get("/feeds/for-you/dpf_nothing.atom").status_code == 404
        # An API token is no feed address.
        assert client.get("/feeds/for-you/dp_nothing.rss").status_code == 404


def test_the_feed_carries_the_readers_personal_ranking(settings, imported, tmp_path_factory):
    # The personal model learns from paper embeddings, which the search issue computes.
    indexing = pytest.importorskip("dailypapers.search.indexing",
                                   reason="needs the search issue's embeddings")
    from dailypapers.search import embedder

    model_dir = tmp_path_factory.getbasetemp() / "api-models"
    embedder.load(model_dir)
    ready = settings.model_copy(update={"search_model_dir": model_dir,
                                        "search_embed_interval": 0.0})
    indexing.embed_pending(imported, ready)
    with TestClient(create_app(ready, imported), raise_server_exceptions=False) as alice:
        sign_up(alice, "alice")
        address = _feed_address(alice)
        for paper in ("2506.08007", "2506.07044"):
            page = alice.get(f"/papers/{paper}")
            alice.post(f"/papers/{paper}/vote", data={"csrf_token": token_of(page.text),
                                                      "vote": "up"})
        ranked, _notice = personal.for_user(imported, ready, _user_id(imported, "alice"),
                                            limit=ready.feed_size)
        assert ranked
        for fmt in ("atom", "rss"):
            parsed = feedparser.parse(alice.get(address.replace(".atom", f".{fmt}")).content)
            assert parsed.bozo is False
            assert [e.link.rsplit("/papers/", 1)[1] for e in parsed.entries] == [
                card["arxiv_id"] for card, _ in ranked]
