"""``GET /api/authors/{name}``: an author's papers in the upstream paper shape, reached by every
usual spelling, documented in OpenAPI; hostile names a 4xx naming ``name``, never a 5xx."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from dailypapers.web.api.models import AuthorPapers

pytestmark = pytest.mark.store("feed")


def author_path(name: str) -> str:
    return "/api/authors/" + quote(name, safe="")


def test_it_answers_an_authors_papers_newest_first(client):
    answer = client.get(author_path("Ceyuan Yang"))
    assert answer.status_code == 200
    body = answer.json()
    AuthorPapers.model_validate(body)
    assert body["name"] == "Ceyuan Yang" and body["count"] == 3
    assert [p["id"] for p in body["papers"]] == ["2506.09984", "2506.09350", "2506.09113"]
    assert all("Ceyuan Yang" in [a["name"] for a in p["authors"]] for p in body["papers"])
    assert {"name": "Jianwen Jiang", "count": 2} in body["coauthors"]


def test_each_paper_is_the_one_the_papers_api_answers(client):
    paper = client.get(author_path("Bernhard Schölkopf")).json()["papers"][0]
    assert paper == client.get(f"/api/papers/{paper['id']}").json()


@pytest.mark.parametrize(
    "spelling", ["Schölkopf, Bernhard", 'Bernhard Sch\\"olkopf', "B. Schölkopf"]
)
def test_every_usual_spelling_answers_the_same(client, spelling):
    expected = client.get(author_path("Bernhard Schölkopf")).json()
    assert client.get(author_path(spelling)).json() == expected


def test_an_ambiguous_initial_answers_the_candidates(client):
    body = client.get(author_path("Z. Chen")).json()
    assert body["count"] == 0 and body["papers"] == []
    assert {c["name"] for c in body["candidates"]} == {"Zhaoxi Chen", "Zheshu Chen"}


def test_an_unknown_author_is_a_404_naming_the_name(client):
    answer = client.get(author_path("Nobody Atall"))
    assert answer.status_code == 404 and answer.json()["parameter"] == "name"
    assert "Nobody Atall" in answer.json()["error"]


def test_a_page_past_the_end_has_no_papers(client):
    body = client.get(author_path("Ceyuan Yang"), params={"page": 2}).json()
    assert body["papers"] == [] and body["count"] == 3


@pytest.mark.parametrize(
    "name", ["x" * 60_000, "Li\x00Dong", "\x1b[31m red", "../../api/tokens", "%", "\u0301", "<b>x"]
)
def test_it_answers_hostile_names_with_a_4xx_never_a_5xx(client, name):
    answer = client.get(author_path(name))
    assert 400 <= answer.status_code < 500
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["error"] and answer.json()["parameter"] == "name"


def test_it_is_documented_in_openapi(client):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/authors/{name}"]["get"]
    assert {"200", "400", "404"} <= set(operation["responses"])
    assert "AuthorPapers" in str(operation["responses"]["200"])
