"""POST /api/papers/index: a paper fetched from the arXiv API (a local replay of real answers)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from dailypapers.web.app import create_app
from tests.support import data

pytestmark = pytest.mark.store("api")


@pytest.fixture
def indexing(settings, db, arxiv_api_server):
    app = create_app(settings.model_copy(update={"arxiv_api_url": arxiv_api_server}), db)
    with TestClient(app) as test_client:
        yield test_client


def test_it_indexes_a_paper_from_arxiv_and_serves_it(indexing, alice_token):
    assert indexing.get("/api/papers/1605.08386").status_code == 404
    answer = indexing.post(
        "/api/papers/index",
        headers=data.bearer(alice_token),
        json={"arxivId": "https://arxiv.org/abs/1605.08386"},
    )
    assert answer.status_code == 200 and answer.json() == {}
    paper = indexing.get("/api/papers/1605.08386").json()
    assert paper["id"] == "1605.08386" and paper["title"] and paper["authors"]
    assert "submittedOnDailyAt" not in paper  # indexed, not submitted to the feed


def test_it_indexes_an_old_style_id(indexing, alice_token):
    answer = indexing.post(
        "/api/papers/index", headers=data.bearer(alice_token), json={"arxivId": "astro-ph/0601001"}
    )
    assert answer.status_code == 200
    assert indexing.get("/api/papers/astro-ph/0601001").json()["id"] == "astro-ph/0601001"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"arxivId": "abc"}, 400),
        ({"arxivId": ""}, 400),
        ({}, 400),
        ({"arxivId": "0000.0000"}, 400),
    ],
)
def test_it_refuses_what_is_no_arxiv_id(indexing, alice_token, body, status):
    answer = indexing.post("/api/papers/index", headers=data.bearer(alice_token), json=body)
    assert answer.status_code == status and answer.json()["parameter"] == "arxivId"


def test_it_needs_a_token(indexing):
    answer = indexing.post("/api/papers/index", json={"arxivId": "1605.08386"})
    assert answer.status_code == 401


def test_it_answers_502_when_arxiv_is_down(settings, db, alice_token):
    down = settings.model_copy(update={"arxiv_api_url": "http://127.0.0.1:9/api/query"})
    with TestClient(create_app(down, db)) as client:
        answer = client.post(
            "/api/papers/index", headers=data.bearer(alice_token), json={"arxivId": "1605.08386"}
        )
    assert answer.status_code == 502 and answer.json()["parameter"] == "arxivId"
