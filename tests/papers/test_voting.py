"""Fifty people upvote one paper at the same instant, over real HTTP: exactly fifty votes."""

from __future__ import annotations

import threading

import httpx
import pytest

from dailypapers.papers import catalog
from dailypapers.web.plumbing.sessions import COOKIE, SessionCodec, start_for_user
from tests.support import data

pytestmark = [pytest.mark.store("feed"), pytest.mark.slow]

VOTERS = 50  # more than the server's 40 worker threads: some wait while others write
UPSTREAM_VOTES = 97  # what the upstream feed counted for 2506.08007


def test_it_counts_exactly_one_vote_each_from_fifty_concurrent_voters(live_server, db, settings):
    voters = [data.person(db, f"voter{i:03d}", verified=False) for i in range(VOTERS)]
    codec = SessionCodec(settings)
    sessions = [start_for_user(db, codec, voter) for voter in voters]

    def vote_all(results: list) -> None:
        barrier = threading.Barrier(VOTERS)

        def one(i: int) -> None:
            cookie, token = sessions[i]
            headers = {"X-CSRF-Token": token}
            if i % 2:
                headers["HX-Request"] = "true"  # half of them through htmx, half as forms
            with httpx.Client(base_url=live_server, cookies={COOKIE: cookie}, timeout=60) as client:
                barrier.wait()
                response = client.post(
                    "/papers/2506.08007/vote", data={"vote": "up"}, headers=headers
                )
                results[i] = response.status_code

        threads = [threading.Thread(target=one, args=(i,)) for i in range(VOTERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    first: list = [None] * VOTERS
    vote_all(first)
    assert set(first) <= {200, 303} and None not in first, first
    assert catalog.card(db, "2506.08007").upvotes == UPSTREAM_VOTES + VOTERS

    again: list = [None] * VOTERS  # everyone votes again at once: still one vote each
    vote_all(again)
    assert set(again) <= {200, 303} and None not in again, again
    assert catalog.card(db, "2506.08007").upvotes == UPSTREAM_VOTES + VOTERS

    page = httpx.get(f"{live_server}/papers/2506.08007").text
    assert f'<span class="count">{UPSTREAM_VOTES + VOTERS}</span>' in page
