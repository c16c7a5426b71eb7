"""``/api/feeds`` with a bearer token: the issue's contract (shapes, 201, papers newest first),
every bad input a clear 4xx naming the field, the owner checks as attacks, OpenAPI."""

from __future__ import annotations

import feedparser
import pytest

pytestmark = pytest.mark.store("feed")

CEYUAN_YANG = ["2506.09984", "2506.09350", "2506.09113"]
FEED = {
    "name": "Ceyuan Yang",
    "categories": [],
    "exclude_categories": [],
    "authors": ["Ceyuan Yang"],
    "query": "",
    "like": "",
    "min_upvotes": 0,
    "has_code": False,
    "private": False,
}


def _make(client, headers, **fields):
    answer = client.post("/api/feeds", json={**FEED, **fields}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_it_makes_a_feed_in_the_contracts_shape(client, alices):
    made = _make(client, alices)
    assert {k: made[k] for k in FEED} == FEED
    base = f"http://testserver/api/feeds/{made['id']}"
    assert made["papers_url"] == f"{base}/papers"
    assert made["atom_url"].endswith(f"/feeds/following/{made['id']}.atom")
    assert made["rss_url"].endswith(f"/feeds/following/{made['id']}.rss")
    assert client.get(f"/api/feeds/{made['id']}").json() == made
    assert client.get("/api/feeds", headers=alices).json() == [made]


def test_its_papers_are_upstream_entries_newest_first(client, alices):
    made = _make(client, alices)
    entries = client.get(f"/api/feeds/{made['id']}/papers").json()
    assert [e["paper"]["id"] for e in entries] == CEYUAN_YANG
    assert {"paper", "publishedAt", "title", "summary", "numComments"} <= set(entries[0])
    first = client.get(f"/api/feeds/{made['id']}/papers", params={"limit": 2})
    assert len(first.json()) == 2 and 'rel="next"' in first.headers["link"]
    rest = client.get(f"/api/feeds/{made['id']}/papers", params={"limit": 2, "p": 1}).json()
    assert [e["paper"]["id"] for e in first.json() + rest] == CEYUAN_YANG


def test_a_private_feeds_secret_addresses_go_to_its_owner_and_work(client, alices):
    made = _make(client, alices, private=True)
    assert "/feeds/following/" in made["atom_url"] and made["atom_url"].count("/") > 5
    parsed = feedparser.parse(client.get(made["atom_url"].replace("http://testserver", "")).content)
    assert not parsed.bozo and len(parsed.entries) == 3


def test_it_keeps_alices_private_feed_from_bob(client, alices, bobs):
    made = _make(client, alices, private=True)
    for headers in (bobs, {}):
        assert client.get(f"/api/feeds/{made['id']}", headers=headers).status_code == 404
        papers = client.get(f"/api/feeds/{made['id']}/papers", headers=headers)
        assert papers.status_code == 404 and papers.json()["parameter"] == "id"
    assert client.get("/api/feeds", headers=bobs).json() == []
    assert client.get(f"/api/feeds/{made['id']}/papers", headers=alices).status_code == 200


def test_it_does_not_share_the_owners_answer_of_a_private_feed_with_strangers(client, alices):
    made = _make(client, alices, private=True)
    path = f"/api/feeds/{made['id']}/papers"
    assert client.get(path, headers=alices).status_code == 200
    assert client.get(path).status_code == 404


def test_it_refuses_bob_editing_alices_feed(client, alices, bobs):
    public = _make(client, alices)
    private = _make(client, alices, private=True)
    answer = client.patch(f"/api/feeds/{public['id']}", json={"name": "Bob's"}, headers=bobs)
    assert answer.status_code == 403
    answer = client.patch(f"/api/feeds/{private['id']}", json={"name": "Bob's"}, headers=bobs)
    assert answer.status_code == 404
    assert client.get(f"/api/feeds/{public['id']}").json()["name"] == "Ceyuan Yang"


def test_it_refuses_bob_deleting_alices_feed(client, alices, bobs):
    made = _make(client, alices)
    assert client.delete(f"/api/feeds/{made['id']}", headers=bobs).status_code == 403
    assert client.delete(f"/api/feeds/{made['id']}").status_code == 401
    assert client.get(f"/api/feeds/{made['id']}").status_code == 200


def test_its_owner_patches_and_deletes_it(client, alices):
    made = _make(client, alices)
    changed = client.patch(
        f"/api/feeds/{made['id']}",
        json={"query": "video", "min_upvotes": 1, "has_code": True},
        headers=alices,
    )
    assert changed.status_code == 200
    assert changed.json()["query"] == "video" and changed.json()["authors"] == ["Ceyuan Yang"]
    assert changed.json()["has_code"] is True
    assert client.delete(f"/api/feeds/{made['id']}", headers=alices).status_code == 204
    assert client.get(f"/api/feeds/{made['id']}").status_code == 404


def test_it_needs_a_token_to_make_or_list_feeds(client):
    assert client.post("/api/feeds", json=FEED).status_code == 401
    assert client.get("/api/feeds").status_code == 401


@pytest.mark.parametrize(
    ("fields", "parameter"),
    [
        ({"name": ""}, "name"),
        ({"categories": ["cs.NOPE"]}, "categories"),
        ({"categories": "cs.CL"}, "categories"),
        ({"authors": [""]}, "authors"),
        ({"min_upvotes": -3}, "min_upvotes"),
        ({"min_upvotes": "3"}, "min_upvotes"),
        ({"private": "yes"}, "private"),
        ({"has_code": "yes"}, "has_code"),
        ({"like": "x" * 2001}, "like"),
        ({"colour": "red"}, "colour"),
        ({"authors": []}, None),
    ],
)
def test_a_bad_field_is_a_400_naming_it(client, alices, fields, parameter):
    answer = client.post("/api/feeds", json={**FEED, **fields}, headers=alices)
    assert answer.status_code == 400, answer.text
    assert answer.json()["parameter"] == parameter and answer.json()["error"]


def test_a_bad_patch_is_a_400_naming_the_field(client, alices):
    made = _make(client, alices)
    answer = client.patch(f"/api/feeds/{made['id']}", json={"name": None}, headers=alices)
    assert answer.status_code == 400 and answer.json()["parameter"] == "name"
    answer = client.patch(f"/api/feeds/{made['id']}", json={"authors": []}, headers=alices)
    assert answer.status_code == 400


def test_openapi_documents_the_feeds_routes_with_their_models(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert {"get", "post"} <= set(paths["/api/feeds"])
    assert {"get", "patch", "delete"} <= set(paths["/api/feeds/{feed_id}"])
    assert "get" in paths["/api/feeds/{feed_id}/papers"]
    created = paths["/api/feeds"]["post"]["responses"]["201"]["content"]["application/json"]
    assert created["schema"]["$ref"].endswith("/FeedOut")
    assert "FeedIn" in spec["components"]["schemas"]
