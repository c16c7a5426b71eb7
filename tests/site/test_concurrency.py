"""100 people upvote one paper at the same instant, over real HTTP: exactly 100 votes."""

from __future__ import annotations

import threading

import httpx

from dailypapers.store import papers as paper_store
from dailypapers.store import users as user_store
from dailypapers.store import votes as vote_store
from dailypapers.web.sessions import COOKIE, SessionCodec, start_for_user

VOTERS = 100


def test_it_counts_exactly_one_vote_each_from_100_concurrent_voters(live_server, feed, settings):
    with feed.write() as conn:
        # Accounts made directly (argon2 for 100 passwords would only slow the test down);
        # their sessions are real ones, as signing in makes them.
        user_ids = [user_store.create(conn, f"voter{i:03d}", f"voter{i:03d}@example.com",
                                      "not-a-real-hash") for i in range(VOTERS)]
        paper_id = paper_store.get(conn, "2506.08007")["id"]
    codec = SessionCodec(settings)
    sessions = [start_for_user(feed, codec, user_id) for user_id in user_ids]

    def vote_all(results: list) -> None:  # noqa: ANN001
        barrier = threading.Barrier(VOTERS)

        def one(i: int) -> None:
            cookie, token = sessions[i]
            headers = {"X-CSRF-Token": token}
            if i % 2:
                headers["HX-Request"] = "true"  # half of them through htmx, half as forms
            with httpx.Client(base_url=live_server, cookies={COOKIE: cookie},
                              timeout=60) as client:
                barrier.wait()
                response = client.post("/papers/2506.08007/vote", data={"vote": "up"},
                                       headers=headers)
                results[i] = response.status_code

        threads = [threading.Thread(target=one, args=(i,)) for i in range(VOTERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    first: list = [None] * VOTERS
    vote_all(first)
    assert set(first) <= {200, 303} and None not in first, first
    with feed.read() as conn:
        assert vote_store.local_count(conn, paper_id) == VOTERS

    again: list = [None] * VOTERS  # everyone votes again at once: still one vote each
    vote_all(again)
    assert set(again) <= {200, 303} and None not in again, again
    with feed.read() as conn:
        assert vote_store.local_count(conn, paper_id) == VOTERS
        assert vote_store.total(conn, paper_id) == 97 + VOTERS

    page = httpx.get(f"{live_server}/papers/2506.08007").text
    assert f'<span class="count">{97 + VOTERS}</span>' in page
