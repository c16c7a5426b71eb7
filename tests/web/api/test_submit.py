"""POST /api/daily_papers: submitting a paper to today's feed with a token (dailypapers' own)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from dailypapers.web.app import create_app
from tests.support import data

pytestmark = pytest.mark.store("api")


@pytest.fixture
def submitting(settings, db, arxiv_api_server):
    app = create_app(
        settings.model_copy(update={"arxiv_api_url": arxiv_api_server, "submissions_per_day": 3}),
        db,
    )
    with TestClient(app) as test_client:
        yield test_client


def _outside_the_feed(client: TestClient) -> str:
    page = client.get("/api/papers", params={"limit": 100}).json()
    return next(p["id"] for p in page if "submittedOnDailyAt" not in p)


def test_it_puts_a_stored_paper_into_todays_feed(submitting, alice_token):
    paper_id = _outside_the_feed(submitting)
    answer = submitting.post(
        "/api/daily_papers",
        headers=data.bearer(alice_token),
        json={"arxivId": f"https://arxiv.org/abs/{paper_id}v1"},
    )
    assert answer.status_code == 200
    entry = answer.json()
    assert entry["paper"]["id"] == paper_id
    assert entry["submittedBy"]["name"] == entry["submittedBy"]["user"] == "alice"
    today = datetime.now(UTC).date().isoformat()
    assert entry["paper"]["submittedOnDailyAt"].startswith(today)
    listed = submitting.get("/api/daily_papers", params={"date": today}).json()
    assert [e["paper"]["id"] for e in listed] == [paper_id]
    again = submitting.post(
        "/api/daily_papers", headers=data.bearer(alice_token), json={"arxivId": paper_id}
    )
    assert again.status_code == 409 and again.json()["parameter"] == "arxivId"


def test_it_fetches_an_unknown_paper_from_arxiv(submitting, alice_token):
    answer = submitting.post(
        "/api/daily_papers", headers=data.bearer(alice_token), json={"arxivId": "1605.08386"}
    )
    assert answer.status_code == 200 and answer.json()["paper"]["id"] == "1605.08386"


@pytest.mark.parametrize(("arxiv_id", "status"), [("2506.08007", 409), ("abc", 400), ("", 400)])
def test_it_refuses_a_paper_already_in_the_feed_or_no_id(submitting, alice_token, arxiv_id, status):
    answer = submitting.post(
        "/api/daily_papers", headers=data.bearer(alice_token), json={"arxivId": arxiv_id}
    )
    assert answer.status_code == status and answer.json()["parameter"] == "arxivId"


def test_it_keeps_to_the_daily_submission_limit(submitting, alice_token):
    page = submitting.get("/api/papers", params={"limit": 100}).json()
    outside = [p["id"] for p in page if "submittedOnDailyAt" not in p][:4]
    answers = [
        submitting.post(
            "/api/daily_papers", headers=data.bearer(alice_token), json={"arxivId": paper_id}
        )
        for paper_id in outside
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1].headers["retry-after"]) <= 86_400


def test_it_needs_a_token(submitting):
    answer = submitting.post("/api/daily_papers", json={"arxivId": "2506.08007"})
    assert answer.status_code == 401
