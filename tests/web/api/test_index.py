"""POST /api/papers/index: a paper fetched from the arXiv API (a local replay of real answers)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from starlette.testclient import TestClient

from dailypapers.papers import lookups
from dailypapers.web.app import create_app
from tests.support import browser, data, replay

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


def test_it_refuses_at_once_the_parallel_lookups_of_one_token_but_the_first(
    settings, db, arxiv_api_replay, arxiv_api_server, alice_token
):
    asking, answering = replay.held(
        arxiv_api_replay, replay.ARXIV_API_PATH, replay.id_query("1605.08386")
    )
    app = create_app(settings.model_copy(update={"arxiv_api_url": arxiv_api_server}), db)
    with browser.serve(app) as base_url, ThreadPoolExecutor(8) as pool:

        def index(arxiv_id: str) -> httpx.Response:
            return httpx.post(
                f"{base_url}/api/papers/index",
                headers=data.bearer(alice_token),
                json={"arxivId": arxiv_id},
                timeout=30,
            )

        first = pool.submit(index, "1605.08386")
        try:
            assert asking.wait(30)
            others = [pool.submit(index, f"2501.{n:05d}") for n in range(1, 8)]
            refused = [answer.result(30) for answer in others]
        finally:
            answering.set()
        assert first.result(30).status_code == 200
    assert {answer.status_code for answer in refused} == {429}
    assert all("still under way" in answer.json()["error"] for answer in refused)
    assert all(int(answer.headers["retry-after"]) >= 1 for answer in refused)
    assert not arxiv_api_replay.requests_to(id_list="2501.00001")


def test_it_answers_429_once_failed_lookups_are_used_up_and_404_from_the_cache(
    indexing, alice_token, arxiv_api_replay
):
    unknown = [f"2501.{n:05d}" for n in range(1, lookups.MISSES.limit + 2)]
    replay.unknown_to_arxiv(arxiv_api_replay, *unknown)

    def index(arxiv_id: str):
        return indexing.post(
            "/api/papers/index", headers=data.bearer(alice_token), json={"arxivId": arxiv_id}
        )

    assert [index(i).status_code for i in unknown[:-1]] == [404] * lookups.MISSES.limit
    assert index(unknown[0]).status_code == 404  # answered from the negative cache
    over = index(unknown[-1])
    assert over.status_code == 429 and over.json()["parameter"] == "arxivId"
    assert "Too many lookups of papers arXiv does not have" in over.json()["error"]
    assert 1 <= int(over.headers["retry-after"]) <= 3600
    assert len(arxiv_api_replay.requests_to(id_list=unknown[0])) == 1
    assert not arxiv_api_replay.requests_to(id_list=unknown[-1])
