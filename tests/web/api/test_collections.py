"""``/api/collections`` with a bearer token: the issue's contract (201 with an id, items by
arXiv id with a note), clear 4xx naming the field, the owner checks as attacks, OpenAPI."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.store("feed")

PAPERS = ["2506.09984", "2506.09350"]


def _make(client, headers, **fields):
    answer = client.post("/api/collections", json={"title": "Reading", **fields}, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_it_makes_a_collection_and_adds_papers_in_the_contracts_shape(client, alices):
    made = _make(client, alices, private=False)
    assert made["title"] == "Reading" and made["private"] is False and made["id"] >= 1
    assert made["bibtex_url"].endswith(f"/collections/{made['id']}.bib")
    path = f"/api/collections/{made['id']}"
    for paper in PAPERS:
        added = client.post(f"{path}/items", json={"paper": paper, "note": "n"}, headers=alices)
        assert added.status_code == 201
    shown = client.get(path).json()  # public: anyone reads it
    assert [(i["paper"], i["note"]) for i in shown["items"]] == [(p, "n") for p in PAPERS]
    changed = client.patch(path, json={"title": "Renamed"}, headers=alices).json()
    assert changed["title"] == "Renamed" and changed["private"] is False
    left = client.request("DELETE", f"{path}/items", json={"paper": PAPERS[0]}, headers=alices)
    assert [i["paper"] for i in left.json()["items"]] == PAPERS[1:]
    assert [c["id"] for c in client.get("/api/collections", headers=alices).json()] == [made["id"]]
    assert client.delete(path, headers=alices).status_code == 204
    assert client.get(path).status_code == 404


def test_it_keeps_alices_private_collection_from_bob(client, alices, bobs):
    made = _make(client, alices)  # private by default
    path = f"/api/collections/{made['id']}"
    for headers in ({}, bobs):
        assert client.get(path, headers=headers).status_code == 404
    assert client.patch(path, json={"private": False}, headers=bobs).status_code == 404
    assert client.get(path, headers=alices).status_code == 200


def test_it_refuses_bob_adding_to_alices_collection(client, alices, bobs):
    made = _make(client, alices, private=False)
    path = f"/api/collections/{made['id']}"
    refused = client.post(f"{path}/items", json={"paper": PAPERS[0]}, headers=bobs)
    assert refused.status_code == 403 and refused.json()["parameter"] == "id"
    assert client.delete(path, headers=bobs).status_code == 403
    assert client.post(f"{path}/items", json={"paper": PAPERS[0]}).status_code == 401
    assert client.get(path).json()["items"] == []


@pytest.mark.parametrize(
    ("body", "status", "parameter"),
    [
        ({"title": ""}, 400, "title"),
        ({"title": "x" * 201}, 400, "title"),
        ({"title": "ok", "private": "yes"}, 400, "private"),
        ({"title": "ok", "colour": "red"}, 400, "colour"),
    ],
)
def test_it_names_the_field_at_fault(client, alices, body, status, parameter):
    answer = client.post("/api/collections", json=body, headers=alices)
    assert answer.status_code == status and answer.json()["parameter"] == parameter


def test_it_names_a_paper_it_cannot_add(client, alices):
    path = f"/api/collections/{_make(client, alices)['id']}/items"
    bad = client.post(path, json={"paper": "not an id"}, headers=alices)
    assert bad.status_code == 400 and bad.json()["parameter"] == "paper"
    missing = client.post(path, json={"paper": "2506.00001"}, headers=alices)
    assert missing.status_code == 404 and missing.json()["parameter"] == "paper"


def test_openapi_documents_the_collections(client):
    spec = client.get("/openapi.json").json()
    assert {"get", "post"} <= set(spec["paths"]["/api/collections"])
    assert {"get", "patch", "delete"} <= set(spec["paths"]["/api/collections/{collection_id}"])
    assert {"post", "delete"} <= set(spec["paths"]["/api/collections/{collection_id}/items"])
    upload = spec["paths"]["/api/library/import"]["post"]["requestBody"]["content"]
    assert "file" in upload["multipart/form-data"]["schema"]["properties"]
