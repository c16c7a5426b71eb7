"""Rate limits (429 with Retry-After, per IP and per token) and the short response cache."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from dailypapers.store import votes as vote_store
from dailypapers.web.app import create_app
from dailypapers.web.rate_limit import RateLimiter
from tests.api.conftest import bearer, make_token, make_user


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_limiter_allows_a_burst_then_the_steady_rate():
    clock = Clock()
    limiter = RateLimiter(60, clock=clock)
    assert all(limiter.hit("a") is None for _ in range(60))
    wait = limiter.hit("a")
    assert wait == pytest.approx(1.0)
    assert limiter.hit("b") is None  # another key has its own bucket
    clock.now += 1.0
    assert limiter.hit("a") is None and limiter.hit("a") is not None
    clock.now += 60.0
    assert limiter.remaining("a") == 60


def test_the_limiter_forgets_idle_keys_to_stay_bounded():
    clock = Clock()
    limiter = RateLimiter(60, clock=clock, max_keys=100)
    for n in range(100):
        limiter.hit(f"k{n}")
    clock.now += 120
    limiter.hit("new")
    assert len(limiter._tat) == 1


@pytest.fixture
def limited(settings, imported):
    app = create_app(settings.model_copy(update={"api_rate_anonymous": 5,
                                                 "api_rate_token": 8}), imported)
    with TestClient(app) as test_client:
        yield test_client


def test_it_answers_429_with_retry_after_over_the_anonymous_limit(limited):
    answers = [limited.get("/api/papers/2506.08007") for _ in range(7)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    refused = answers[-1]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"].startswith("Too many requests")
    assert refused.headers["x-ratelimit-limit"] == "5"


def test_a_token_has_its_own_larger_limit(limited, imported):
    token = make_token(imported, make_user(imported, "carol"))
    for _ in range(5):
        limited.get("/api/daily_papers", params={"limit": 1})
    assert limited.get("/api/daily_papers").status_code == 429
    statuses = [limited.get("/api/daily_papers", params={"limit": 1},
                            headers=bearer(token)).status_code for _ in range(9)]
    assert statuses == [200] * 8 + [429]


def test_pages_outside_the_api_are_not_limited(limited):
    assert [limited.get("/").status_code for _ in range(8)] == [200] * 8


@pytest.fixture
def cached(settings, imported):
    app = create_app(settings.model_copy(update={"api_cache_seconds": 60.0}), imported)
    with TestClient(app) as test_client:
        yield test_client


def test_the_cache_serves_the_same_answer_until_any_write(cached, imported):
    bob, paper_key = make_user(imported, "bob"), _paper_key(imported, "2506.08007")
    first = cached.get("/api/papers/2506.08007")
    assert first.headers["x-api-cache"] == "miss"
    again = cached.get("/api/papers/2506.08007")
    assert again.headers["x-api-cache"] == "hit" and again.content == first.content
    with imported.write() as conn:  # a vote by another worker (or the database directly)
        vote_store.add(conn, bob, paper_key)
    fresh = cached.get("/api/papers/2506.08007")
    assert fresh.headers["x-api-cache"] == "miss"
    assert fresh.json()["upvotes"] == first.json()["upvotes"] + 1


def _paper_key(db, arxiv_id: str) -> int:
    from dailypapers.store import papers as paper_store

    with db.read() as conn:
        return paper_store.get(conn, arxiv_id)["id"]
