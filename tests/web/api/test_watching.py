"""``/api/papers/{id}/watch`` and ``/api/watching`` with a bearer token: idempotent, the
caller's own only, every bad input a clear 4xx."""

from __future__ import annotations

import pytest

from dailypapers.papers import discussion
from tests.support import data

pytestmark = pytest.mark.store("feed")

ARXIV_ID = "2506.08007"


def test_it_watches_lists_the_news_and_unwatches(client, db, alice, bob):
    alices = data.bearer(data.api_token(db, alice))
    for _ in range(2):
        answer = client.post(f"/api/papers/{ARXIV_ID}/watch", headers=alices)
        assert answer.status_code == 200 and answer.json() == {"id": ARXIV_ID, "watching": True}
    discussion.post(db, bob.id, ARXIV_ID, "Nice.", limits=discussion.UNLIMITED)
    listed = client.get("/api/watching", headers=alices).json()
    assert [p["id"] for p in listed["papers"]] == [ARXIV_ID]
    assert [(c["kind"], c["id"]) for c in listed["changes"]] == [("comment", ARXIV_ID)]
    gone = client.delete(f"/api/papers/{ARXIV_ID}/watch", headers=alices)
    assert gone.json() == {"id": ARXIV_ID, "watching": False}
    assert client.get("/api/watching", headers=alices).json() == {"papers": [], "changes": []}


def test_it_keeps_alices_watch_list_from_bob(client, db, alice, bob):
    alices = data.bearer(data.api_token(db, alice))
    bobs = data.bearer(data.api_token(db, bob))
    client.post(f"/api/papers/{ARXIV_ID}/watch", headers=alices)
    assert client.get("/api/watching", headers=bobs).json()["papers"] == []
    client.delete(f"/api/papers/{ARXIV_ID}/watch", headers=bobs)
    assert [p["id"] for p in client.get("/api/watching", headers=alices).json()["papers"]] == [
        ARXIV_ID
    ]


def test_it_needs_a_token_and_a_stored_paper(client, db, alice):
    assert client.post(f"/api/papers/{ARXIV_ID}/watch").status_code == 401
    assert client.get("/api/watching").status_code == 401
    alices = data.bearer(data.api_token(db, alice))
    missing = client.post("/api/papers/2606.99999/watch", headers=alices)
    assert missing.status_code == 404 and missing.json()["parameter"] == "id"
