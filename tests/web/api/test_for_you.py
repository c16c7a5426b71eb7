"""``GET /api/for-you``: the caller's recommendations in the upstream paper shape, each with its
reason and part; an API token is required."""

from __future__ import annotations

import pytest

from dailypapers.papers import voting
from dailypapers.web.api.for_you import RecommendedPaper
from tests.support import data

pytestmark = pytest.mark.store("search")


@pytest.fixture
def settings(settings, model_dir):
    return settings.model_copy(update={"search_model_dir": model_dir})


def test_it_answers_the_callers_recommendations_with_reasons(db, alice, client, indexed):
    assert client.get("/api/for-you").status_code == 401
    secret = data.api_token(db, alice)
    assert client.get("/api/for-you", headers=data.bearer(secret)).json() == []
    voting.upvote(db, alice.id, "2506.08007")
    body = client.get("/api/for-you", headers=data.bearer(secret)).json()
    assert {p["part"] for p in body} == {"new", "archive"}
    for paper in body:
        RecommendedPaper.model_validate(paper)
        assert paper["reason"].startswith("Close to “") and paper["id"] != "2506.08007"
    plain = {k: v for k, v in body[0].items() if k not in ("reason", "part")}
    assert plain == client.get(f"/api/papers/{body[0]['id']}").json()
