"""Submitting papers the store does not have yet: metadata from arXiv's API (recorded answers)."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from dailypapers.papers import submissions
from dailypapers.store import feed as feed_store
from dailypapers.store import papers as paper_store
from dailypapers.store import users as user_store
from tests.replay import ARXIV_API_PATH, ATOM_TYPE, Answer, recorded_bytes
from tests.support.web import page_token, sign_up

FAST = {"arxiv_api_delay": 0.0, "http_retries": 0, "http_backoff": 0.01, "http_timeout": 10.0}


@pytest.fixture
def arxiv_client(settings, db, arxiv_api_server):
    from dailypapers.web.app import create_app

    app = create_app(settings.model_copy(update={**FAST, "arxiv_api_url": arxiv_api_server}),
                     db)
    with TestClient(app, raise_server_exceptions=False) as client:
        sign_up(client, "alice")
        yield client


def submit(client: TestClient, pasted: str):  # noqa: ANN201
    return client.post("/submit", data={"csrf_token": page_token(client, "/submit"),
                                        "paper": pasted}, follow_redirects=False)


@pytest.mark.parametrize("pasted, key, title", [
    ("https://arxiv.org/abs/1605.08386v1", "1605.08386", "Heat-bath random walks with Markov bases"),
    ("astro-ph/0601001", "astro-ph/0601001", None),
])
def test_it_fetches_a_paper_from_arxiv_when_it_is_submitted(arxiv_client, db, pasted, key, title):
    response = submit(arxiv_client, pasted)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/papers/{key}?submitted=1"
    page = arxiv_client.get(f"/papers/{key}")
    assert page.status_code == 200
    with db.read() as conn:
        paper = paper_store.get(conn, key)
        entries = feed_store.entries_of_paper(conn, paper["id"])
    assert paper["source"] == "arxiv-api"
    assert [e["feed_day"] for e in entries] == [datetime.now(UTC).date()]
    assert entries[0]["submitter_username"] == "alice" and entries[0]["source"] == "local"
    if title:
        assert title in page.text and "math.CO" in page.text


def test_it_says_so_when_arxiv_has_no_such_paper(arxiv_client, arxiv_api_replay, shared_data):
    # arXiv answers an unknown id with an empty feed: its recorded answer for 0808.05394 (an id
    # our parser already refuses), served for a well-formed id it has never issued.
    recorded = json.loads(
        next((shared_data / "fixtures" / "arxiv-api").glob("id_0808.05394_s0_*.json")).read_text())
    arxiv_api_replay.add(ARXIV_API_PATH, {
        "search_query": "", "id_list": "2412.99999", "sortBy": "relevance",
        "sortOrder": "descending", "start": "0", "max_results": "100",
    }, Answer(200, recorded_bytes(recorded["body"]), ATOM_TYPE))
    response = submit(arxiv_client, "https://arxiv.org/abs/2412.99999")
    assert response.status_code == 400
    assert "arXiv has no paper 2412.99999" in response.text
    assert arxiv_api_replay.requests_to(ARXIV_API_PATH, id_list="2412.99999")


def test_it_refuses_a_malformed_id_without_asking_arxiv(arxiv_client, arxiv_api_replay):
    response = submit(arxiv_client, "0808.05394")
    assert response.status_code == 400 and "four digits after the dot" in response.text
    assert arxiv_api_replay.requests == []


def test_it_says_so_when_arxiv_cannot_be_reached(settings, db):
    from dailypapers.web.app import create_app

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/api/query"
    app = create_app(settings.model_copy(update={**FAST, "arxiv_api_url": dead}), db)
    with TestClient(app, raise_server_exceptions=False) as client:
        sign_up(client, "alice")
        response = submit(client, "1605.08386")
    assert response.status_code == 502
    assert "could not be asked about 1605.08386" in response.text
    assert 'value="1605.08386"' in response.text


def test_a_submission_enters_the_feed_of_the_day_it_is_made(db, settings):
    with db.write() as conn:
        carol = user_store.create(conn, "carol", "carol@example.com", "not-a-real-hash")
    when = datetime(2025, 6, 17, 23, 59, tzinfo=UTC)
    done = submissions.submit(db, settings, carol, "2506.99002", now=when)
    assert (done.arxiv_id, done.feed_day, done.fetched) == ("2506.99002", when.date(), False)
    with pytest.raises(submissions.SubmissionError) as again:
        submissions.submit(db, settings, carol, "arxiv.org/abs/2506.99002v2", now=when)
    assert again.value.code == "duplicate" and "2025-06-17" in str(again.value)
