"""Writes with API tokens: comments and replies in the upstream shape, votes, token revocation,
and the 401 / 403 answers."""

from __future__ import annotations

import hashlib

import pytest

from dailypapers.db.schema import api_tokens
from dailypapers.store import tokens as token_store
from tests.api.conftest import bearer


def test_it_stores_only_the_hash_of_a_token(imported, alice):
    with imported.read() as conn:
        stored = conn.execute(api_tokens.select()).mappings().all()
    assert len(stored) == 1
    assert stored[0]["token_hash"] == hashlib.sha256(alice["token"].encode()).hexdigest()
    assert alice["token"] not in str(dict(stored[0]))
    assert alice["token"].startswith("dp_") and len(alice["token"]) > 40


def test_it_comments_and_replies_in_the_upstream_shape(client, alice, bob):
    posted = client.post("/api/papers/2506.08007/comment", headers=bearer(alice["token"]),
                         json={"comment": "Nice **result**. <script>alert(1)</script>"})
    assert posted.status_code == 200
    message = posted.json()["newMessage"]
    assert message["type"] == "comment" and len(message["id"]) == 24
    assert message["author"]["name"] == message["author"]["user"] == "alice"
    latest = message["data"]["latest"]
    assert latest["raw"] == "Nice **result**. <script>alert(1)</script>"
    assert "<strong>result</strong>" in latest["html"] and "<script>" not in latest["html"]
    assert message["createdAt"].endswith("Z") and message["data"]["hidden"] is False
    answer = client.post(f"/api/papers/2506.08007/comment/{message['id']}/reply",
                         headers=bearer(bob["token"]), json={"comment": "Agreed."})
    assert answer.status_code == 200
    assert answer.json()["newMessage"]["author"]["user"] == "bob"
    before = client.get("/api/papers/2506.08007").json()["numComments"]
    assert before == 3 + 2  # three upstream comments, two here


@pytest.mark.parametrize(("path", "body", "status", "parameter"), [
    ("/api/papers/2506.08007/comment", {"comment": ""}, 400, "comment"),
    ("/api/papers/2506.08007/comment", {"comment": "   "}, 400, "comment"),
    ("/api/papers/2506.08007/comment", {"comment": "x" * 10_001}, 400, "comment"),
    ("/api/papers/2506.08007/comment", {}, 400, "comment"),
    ("/api/papers/2506.08007/comment", {"comment": 5}, 400, "comment"),
    ("/api/papers/2601.99999/comment", {"comment": "hi"}, 404, "id"),
    ("/api/papers/abc/comment", {"comment": "hi"}, 404, "id"),
    ("/api/papers/2506.08007/comment/nope/reply", {"comment": "hi"}, 404, "commentId"),
    ("/api/papers/2506.08007/comment/ffffffffffffffffffffffff/reply", {"comment": "hi"}, 404,
     "commentId"),
])
def test_it_refuses_a_bad_comment_naming_the_field(client, alice, path, body, status, parameter):
    answer = client.post(path, headers=bearer(alice["token"]), json=body)
    assert answer.status_code == status
    assert answer.json()["parameter"] == parameter


def test_it_refuses_a_reply_to_a_comment_on_another_paper(client, alice):
    other = client.post("/api/papers/2506.08007/comment", headers=bearer(alice["token"]),
                        json={"comment": "first"}).json()["newMessage"]["id"]
    elsewhere = client.get("/api/daily_papers", params={"date": "2025-06-11"}).json()[0]
    answer = client.post(f"/api/papers/{elsewhere['paper']['id']}/comment/{other}/reply",
                         headers=bearer(alice["token"]), json={"comment": "misplaced"})
    assert answer.status_code == 404 and answer.json()["parameter"] == "commentId"


def test_it_counts_an_upvote_once_and_takes_it_back(client, alice):
    before = client.get("/api/papers/2506.08007").json()["upvotes"]
    for _ in range(2):
        answer = client.post("/api/papers/2506.08007/upvote", headers=bearer(alice["token"]))
        assert answer.status_code == 200
        assert answer.json() == {"id": "2506.08007", "upvotes": before + 1, "upvoted": True}
    assert client.get("/api/papers/2506.08007").json()["upvotes"] == before + 1
    gone = client.delete("/api/papers/2506.08007/upvote", headers=bearer(alice["token"]))
    assert gone.json() == {"id": "2506.08007", "upvotes": before, "upvoted": False}


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer dp_not-a-real-token"},
    {"Authorization": "Bearer hf_someone_elses_token"},
    {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
    {"Authorization": "Bearer"},
])
def test_it_refuses_writes_without_a_valid_token(client, headers):
    for method, path, body in (
        ("POST", "/api/papers/2506.08007/comment", {"comment": "hi"}),
        ("POST", "/api/papers/2506.08007/upvote", None),
        ("DELETE", "/api/tokens/1", None),
    ):
        answer = client.request(method, path, headers=headers, json=body)
        assert answer.status_code == 401, (method, path)
        assert answer.json()["parameter"] == "Authorization"


def test_it_refuses_a_revoked_token_even_for_reads(client, imported, alice):
    assert client.get("/api/tokens", headers=bearer(alice["token"])).status_code == 200
    token_id = client.get("/api/tokens", headers=bearer(alice["token"])).json()[0]["id"]
    revoked = client.delete(f"/api/tokens/{token_id}", headers=bearer(alice["token"]))
    assert revoked.status_code == 200 and revoked.json()["revokedAt"]
    for method, path in (("GET", "/api/daily_papers"), ("POST", "/api/papers/2506.08007/upvote")):
        answer = client.request(method, path, headers=bearer(alice["token"]))
        assert answer.status_code == 401
    with imported.read() as conn:
        assert token_store.resolve(conn, alice["token"], "api") is None


def test_it_ignores_another_sites_token_on_reads(client):
    answer = client.get("/api/daily_papers", headers=bearer("hf_a_token_of_the_upstream_site"))
    assert answer.status_code == 200 and answer.json()


def test_it_forbids_revoking_someone_elses_token(client, alice, bob):
    bobs = client.get("/api/tokens", headers=bearer(bob["token"])).json()[0]["id"]
    answer = client.delete(f"/api/tokens/{bobs}", headers=bearer(alice["token"]))
    assert answer.status_code == 403 and answer.json()["parameter"] == "tokenId"
    assert client.get("/api/tokens", headers=bearer(bob["token"])).status_code == 200
    assert client.delete("/api/tokens/999999", headers=bearer(alice["token"])).status_code == 404


def test_it_lists_tokens_without_their_secrets(client, imported, alice):
    listed = client.get("/api/tokens", headers=bearer(alice["token"])).json()
    assert len(listed) == 1 and listed[0]["kind"] == "api"
    assert alice["token"].startswith(listed[0]["prefix"]) and alice["token"] not in str(listed)
