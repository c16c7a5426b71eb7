"""/api/papers/search and the search feed: highlights, the direct hit, the caller's upvotes,
and the official client's list_papers."""

from __future__ import annotations

import feedparser
import pytest
from fastapi.testclient import TestClient
from huggingface_hub import HfApi

from dailypapers.web.app import create_app
from tests.support import data

pytestmark = pytest.mark.store("api")


def _joined(segments: list[dict]) -> str:
    return "".join(segment["text"] for segment in segments)


def test_it_finds_papers_with_their_matches_highlighted(client):
    answer = client.get("/api/papers/search", params={"q": "reinforcement pre-training"})
    assert answer.status_code == 200
    results = answer.json()
    assert results and results[0]["paper"]["id"] == "2506.08007"
    for result in results:
        assert _joined(result["highlightedTitle"]) == result["title"]
        assert _joined(result["highlightedSummary"]) == result["summary"]
        assert result["upvoted"] is False
        assert {s["type"] for s in result["highlightedTitle"]} <= {"text", "highlight"}
    marked = [s["text"].lower() for s in results[0]["highlightedTitle"] if s["type"] == "highlight"]
    assert "reinforcement" in marked


@pytest.mark.parametrize(
    "query",
    [
        "2506.08007",
        "2506.08007v2",
        "arXiv:2506.08007",
        "https://arxiv.org/abs/2506.08007v1",
        "https://arxiv.org/pdf/2506.08007",
        "https://huggingface.co/papers/2506.08007",
    ],
)
def test_an_arxiv_id_or_url_finds_that_paper_first(client, query):
    results = client.get("/api/papers/search", params={"q": query}).json()
    assert results[0]["paper"]["id"] == "2506.08007"


def test_it_says_whether_the_caller_upvoted_and_never_caches_that(settings, db, alice_token):
    # With the response cache on (the folder's settings turn it off): a caller's own answer is
    # never stored nor served to anyone else.
    cached = settings.model_copy(update={"cache_seconds": 60.0})
    with TestClient(create_app(cached, db)) as client:
        client.post("/api/papers/2506.08007/upvote", headers=data.bearer(alice_token))
        for _ in range(2):
            mine = client.get(
                "/api/papers/search", params={"q": "2506.08007"}, headers=data.bearer(alice_token)
            )
            assert mine.json()[0]["upvoted"] is True and mine.headers["x-api-cache"] == "off"
        for state in ("miss", "hit"):
            anonymous = client.get("/api/papers/search", params={"q": "2506.08007"})
            assert anonymous.json()[0]["upvoted"] is False
            assert anonymous.headers["x-api-cache"] == state


def test_without_a_query_it_answers_the_newest_papers(client):
    results = client.get("/api/papers/search", params={"limit": 5}).json()
    newest = client.get("/api/papers", params={"limit": 5}).json()
    assert [r["paper"]["id"] for r in results] == [p["id"] for p in newest]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"q": "x" * 2001}, "q"),
        ({"q": "diffusion", "limit": 0}, "limit"),
        ({"q": "diffusion", "limit": 121}, "limit"),
    ],
)
def test_it_refuses_an_invalid_search_naming_the_parameter(client, params, parameter):
    answer = client.get("/api/papers/search", params=params)
    assert answer.status_code == 400 and answer.json()["parameter"] == parameter


@pytest.mark.parametrize(
    "query", ['"unbalanced', "NEAR(a b)", "title:* OR 1=1 --", "🦀 数学", "-", "au:", "\x00"]
)
def test_hostile_queries_answer_without_error(client, query):
    answer = client.get("/api/papers/search", params={"q": query})
    assert answer.status_code == 200 and isinstance(answer.json(), list)


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_a_search_has_a_feed_with_the_same_papers(client, fmt):
    api = client.get("/api/papers/search", params={"q": "video generation", "limit": 50}).json()
    parsed = feedparser.parse(
        client.get(f"/feeds/search.{fmt}", params={"q": "video generation"}).content
    )
    assert parsed.bozo is False and api
    assert [e.link.rsplit("/papers/", 1)[1] for e in parsed.entries] == [
        r["paper"]["id"] for r in api
    ]


def test_the_official_client_lists_papers_by_query(live_server, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    hf = HfApi(endpoint=live_server, token=False)
    papers = list(hf.list_papers(query="reinforcement pre-training", limit=5))
    assert papers and papers[0].id == "2506.08007"
    assert papers[0].title == "Reinforcement Pre-Training"
    assert [a.name for a in papers[0].authors][:2] == ["Qingxiu Dong", "Li Dong"]
    assert papers[0].upvotes >= 97 and papers[0].submitted_at is not None
    direct = next(iter(hf.list_papers(query="https://arxiv.org/abs/2506.08007")))
    assert direct.id == "2506.08007"


def test_it_accepts_a_pasted_abstract_of_two_thousand_characters(client):
    text = ("We pre-train language models with reinforcement learning on next tokens. " * 30)[:2000]
    answer = client.get("/api/papers/search", params={"q": text})
    assert answer.status_code == 200 and answer.json()
    feed = client.get("/feeds/search.atom", params={"q": text})
    assert feed.status_code == 200
    too_long = client.get("/api/papers/search", params={"q": text + "x"})
    assert too_long.status_code == 400
