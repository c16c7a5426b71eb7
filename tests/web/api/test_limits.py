"""Rate limits (429 with Retry-After, per IP and per token) and the short response cache.

The folder's ``settings`` turn both off; the tests here turn them back on."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from dailypapers.papers import voting
from dailypapers.web.app import create_app
from dailypapers.web.plumbing.rate_limit import RateLimiter
from tests.support import data

pytestmark = pytest.mark.store("api")


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
def limited(settings, db):
    app = create_app(settings.model_copy(update={"api_rate_anonymous": 5, "api_rate_token": 8}), db)
    with TestClient(app) as test_client:
        yield test_client


def test_it_answers_429_with_retry_after_over_the_anonymous_limit(limited):
    answers = [limited.get("/api/papers/2506.08007") for _ in range(7)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 2
    refused = answers[-1]
    assert int(refused.headers["retry-after"]) >= 1
    assert refused.json()["error"].startswith("Too many requests")
    assert refused.headers["x-ratelimit-limit"] == "5"


def test_it_counts_an_ipv6_client_rotating_addresses_within_its_network_as_one(settings, db):
    app = create_app(settings.model_copy(update={"api_rate_anonymous": 5}), db)
    statuses = []
    for n in range(7):  # a new address of the same /64 for every request
        with TestClient(app, client=(f"2001:db8:1:2::{n + 1:x}", 50000)) as rotating:
            statuses.append(rotating.get("/api/papers/2506.08007").status_code)
    assert statuses == [200] * 5 + [429] * 2


def test_a_token_has_its_own_larger_limit(limited, db, carol):
    token = data.api_token(db, carol)
    for _ in range(5):
        limited.get("/api/daily_papers", params={"limit": 1})
    assert limited.get("/api/daily_papers").status_code == 429
    statuses = [
        limited.get(
            "/api/daily_papers", params={"limit": 1}, headers=data.bearer(token)
        ).status_code
        for _ in range(9)
    ]
    assert statuses == [200] * 8 + [429]


def test_pages_outside_the_api_are_not_limited(limited):
    assert [limited.get("/").status_code for _ in range(8)] == [200] * 8


@pytest.fixture
def cached(settings, db):
    app = create_app(settings.model_copy(update={"cache_seconds": 60.0}), db)
    with TestClient(app) as test_client:
        yield test_client


def test_the_cache_serves_the_same_answer_until_any_write(cached, db, bob):
    first = cached.get("/api/papers/2506.08007")
    assert first.headers["x-api-cache"] == "miss"
    again = cached.get("/api/papers/2506.08007")
    assert again.headers["x-api-cache"] == "hit" and again.content == first.content
    voting.upvote(db, bob.id, "2506.08007")  # a vote by another worker, not through this app
    fresh = cached.get("/api/papers/2506.08007")
    assert fresh.headers["x-api-cache"] == "miss"
    assert fresh.json()["upvotes"] == first.json()["upvotes"] + 1
