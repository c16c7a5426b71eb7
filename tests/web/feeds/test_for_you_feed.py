"""The private "for you" feed: made on the settings page, the reader's personal ranking (the new
part of ``recommend.for_you.for_user``) as Atom / RSS, gone when revoked.

The ``search`` template already holds its papers' embeddings (computed once per session with the
session's model), which is all the personal ranking learns from: nothing is embedded here.
"""

from __future__ import annotations

import re

import feedparser
import pytest
from fastapi.testclient import TestClient

from dailypapers.recommend import for_you
from dailypapers.web.feeds import routes
from tests.support import web

pytestmark = pytest.mark.store("search")


@pytest.fixture
def settings(settings, model_dir):
    """The session's model folder, so nothing here would ever export the model again."""
    return settings.model_copy(update={"search_model_dir": model_dir})


def _feed_address(client: TestClient) -> str:
    answer = client.post(
        "/settings/tokens",
        data={
            "csrf_token": web.page_token(client, "/settings/tokens"),
            "kind": "feed",
            "name": "for you",
        },
    )
    assert answer.status_code == 200
    url = re.search(r'id="new-feed"[^>]*value="([^"]+)"', answer.text).group(1)
    assert url not in client.get("/settings/tokens").text  # shown once
    return url.removeprefix("http://testserver")


def _revoke_first(client: TestClient) -> None:
    page = client.get("/settings/tokens")
    token_id = re.search(r'name="token_id" value="(\d+)"', page.text).group(1)
    answer = client.post(
        "/settings/tokens/revoke",
        data={"csrf_token": web.csrf_token_of(page.text), "token_id": token_id},
    )
    assert answer.status_code == 200


def test_a_feed_address_works_until_it_is_revoked(as_user, db, settings, alice):
    reader = as_user(alice)
    address = _feed_address(reader)
    found = for_you.for_user(db, settings, alice)
    notice = found.notice
    assert found.new == [] and notice  # nothing upvoted yet
    for fmt in ("atom", "rss"):
        answer = reader.get(address.replace(".atom", f".{fmt}"))
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "private, no-store"
        parsed = feedparser.parse(answer.content)
        assert parsed.bozo is False and parsed.entries == []
        assert notice in parsed.feed.get("subtitle", parsed.feed.get("description", ""))
    _revoke_first(reader)
    gone = reader.get(address)
    assert gone.status_code == 404 and gone.json()["parameter"] == "token"


def test_an_unknown_feed_address_is_404(client):
    assert client.get("/feeds/for-you/dpf_nothing.atom").status_code == 404
    # An API token is no feed address.
    assert client.get("/feeds/for-you/dp_nothing.rss").status_code == 404


def test_the_feed_carries_the_readers_personal_ranking(as_user, db, settings, alice):
    reader = as_user(alice)
    address = _feed_address(reader)
    for paper in ("2506.08007", "2506.07044"):
        voted = reader.post(
            f"/papers/{paper}/vote",
            data={"csrf_token": web.page_token(reader, f"/papers/{paper}"), "vote": "up"},
            follow_redirects=False,
        )
        assert voted.status_code in (200, 303), voted.text
    found = for_you.for_user(db, settings, alice, limit=routes.FEED_SIZE)
    ranked = [r.card for r in found.new]
    assert ranked and found.notice is None
    assert {"2506.08007", "2506.07044"}.isdisjoint(card.arxiv_id for card in ranked)
    for fmt in ("atom", "rss"):
        answer = reader.get(address.replace(".atom", f".{fmt}"))
        assert answer.headers["cache-control"] == "private, no-store"
        parsed = feedparser.parse(answer.content)
        assert parsed.bozo is False
        assert [e.link.rsplit("/papers/", 1)[1] for e in parsed.entries] == [
            card.arxiv_id for card in ranked
        ]
