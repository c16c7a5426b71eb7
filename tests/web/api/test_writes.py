"""Writes with API tokens: comments and replies in the upstream shape, votes, and the 401
answers (who may call is :mod:`dailypapers.web.api.auth`). The caller's tokens themselves
(``/api/tokens``) are in ``test_tokens``."""

from __future__ import annotations

import pytest

from tests.support import data

pytestmark = pytest.mark.store("api")


def test_it_comments_and_replies_in_the_upstream_shape(client, db, alice_token, bob):
    posted = client.post(
        "/api/papers/2506.08007/comment",
        headers=data.bearer(alice_token),
        json={"comment": "Nice **result**. <script>alert(1)</script>"},
    )
    assert posted.status_code == 200
    message = posted.json()["newMessage"]
    assert message["type"] == "comment" and len(message["id"]) == 24
    assert message["author"]["name"] == message["author"]["user"] == "alice"
    latest = message["data"]["latest"]
    assert latest["raw"] == "Nice **result**. <script>alert(1)</script>"
    assert "<strong>result</strong>" in latest["html"] and "<script>" not in latest["html"]
    assert message["createdAt"].endswith("Z") and message["data"]["hidden"] is False
    answer = client.post(
        f"/api/papers/2506.08007/comment/{message['id']}/reply",
        headers=data.bearer(data.api_token(db, bob)),
        json={"comment": "Agreed."},
    )
    assert answer.status_code == 200
    assert answer.json()["newMessage"]["author"]["user"] == "bob"
    before = client.get("/api/papers/2506.08007").json()["numComments"]
    assert before == 3 + 2  # three upstream comments, two here


@pytest.mark.parametrize(
    ("path", "body", "status", "parameter"),
    [
        ("/api/papers/2506.08007/comment", {"comment": ""}, 400, "comment"),
        ("/api/papers/2506.08007/comment", {"comment": "   "}, 400, "comment"),
        ("/api/papers/2506.08007/comment", {"comment": "x" * 10_001}, 400, "comment"),
        ("/api/papers/2506.08007/comment", {}, 400, "comment"),
        ("/api/papers/2506.08007/comment", {"comment": 5}, 400, "comment"),
        ("/api/papers/2601.99999/comment", {"comment": "hi"}, 404, "id"),
        ("/api/papers/abc/comment", {"comment": "hi"}, 404, "id"),
        ("/api/papers/2506.08007/comment/nope/reply", {"comment": "hi"}, 404, "commentId"),
        (
            "/api/papers/2506.08007/comment/ffffffffffffffffffffffff/reply",
            {"comment": "hi"},
            404,
            "commentId",
        ),
    ],
)
def test_it_refuses_a_bad_comment_naming_the_field(
    client, alice_token, path, body, status, parameter
):
    answer = client.post(path, headers=data.bearer(alice_token), json=body)
    assert answer.status_code == status
    assert answer.json()["parameter"] == parameter


def test_it_refuses_a_reply_to_a_comment_on_another_paper(client, alice_token):
    other = client.post(
        "/api/papers/2506.08007/comment",
        headers=data.bearer(alice_token),
        json={"comment": "first"},
    ).json()["newMessage"]["id"]
    elsewhere = client.get("/api/daily_papers", params={"date": "2025-06-11"}).json()[0]
    answer = client.post(
        f"/api/papers/{elsewhere['paper']['id']}/comment/{other}/reply",
        headers=data.bearer(alice_token),
        json={"comment": "misplaced"},
    )
    assert answer.status_code == 404 and answer.json()["parameter"] == "commentId"


def test_it_counts_an_upvote_once_and_takes_it_back(client, alice_token):
    before = client.get("/api/papers/2506.08007").json()["upvotes"]
    for _ in range(2):
        answer = client.post("/api/papers/2506.08007/upvote", headers=data.bearer(alice_token))
        assert answer.status_code == 200
        assert answer.json() == {"id": "2506.08007", "upvotes": before + 1, "upvoted": True}
    assert client.get("/api/papers/2506.08007").json()["upvotes"] == before + 1
    gone = client.delete("/api/papers/2506.08007/upvote", headers=data.bearer(alice_token))
    assert gone.json() == {"id": "2506.08007", "upvotes": before, "upvoted": False}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer dp_not-a-real-token"},
        {"Authorization": "Bearer hf_someone_elses_token"},
        {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        {"Authorization": "Bearer"},
    ],
)
def test_it_refuses_writes_without_a_valid_token(client, headers):
    for method, path, body in (
        ("POST", "/api/papers/2506.08007/comment", {"comment": "hi"}),
        ("POST", "/api/papers/2506.08007/upvote", None),
        ("DELETE", "/api/tokens/1", None),
    ):
        answer = client.request(method, path, headers=headers, json=body)
        assert answer.status_code == 401, (method, path)
        assert answer.json()["parameter"] == "Authorization"


def test_it_ignores_another_sites_token_on_reads(client):
    answer = client.get("/api/daily_papers", headers=data.bearer("hf_a_token_of_the_upstream_site"))
    assert answer.status_code == 200 and answer.json()
