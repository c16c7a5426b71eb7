"""Upvoting from cards and pages, with htmx and without JavaScript."""

from __future__ import annotations

import re

import pytest

from dailypapers.papers import catalog
from tests.support import data
from tests.support.web import HTMX, page_token

pytestmark = pytest.mark.store("feed")


def count_on(html: str, paper_db_id: int) -> int:
    block = html.split(f'id="vote-{paper_db_id}"', 1)[1]
    return int(re.search(r'<span class="count">([\d,]+)</span>', block).group(1).replace(",", ""))


def test_it_counts_a_vote_once_however_often_it_is_sent(alice, db, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    pid = data.paper_id(db, "2506.08007")
    for _ in range(3):
        response = alice_client.post(
            "/papers/2506.08007/vote",
            data={"csrf_token": token, "vote": "up", "next": "/papers"},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"] == "/papers"
    assert catalog.card(db, "2506.08007").upvotes == 98
    assert count_on(alice_client.get("/papers/2506.08007").text, pid) == 98


def test_it_swaps_the_vote_button_for_htmx_and_can_take_the_vote_back(alice, db, as_user):
    alice_client = as_user(alice)
    token = page_token(alice_client)
    pid = data.paper_id(db, "2506.08007")
    up = alice_client.post(
        "/papers/2506.08007/vote",
        headers={**HTMX, "X-CSRF-Token": token},
        data={"vote": "up", "next": "/papers/date/2025-06-10#p1"},
    )
    assert up.status_code == 200
    assert up.text.strip().startswith(f'<form class="vote-form" id="vote-{pid}"')
    assert "<html" not in up.text
    assert 'aria-pressed="true"' in up.text and count_on(up.text, pid) == 98
    assert 'name="vote" value="none"' in up.text
    assert 'name="next" value="/papers/date/2025-06-10"' in up.text
    down = alice_client.post(
        "/papers/2506.08007/vote", headers={**HTMX, "X-CSRF-Token": token}, data={"vote": "none"}
    )
    assert 'aria-pressed="false"' in down.text and count_on(down.text, pid) == 97
    assert catalog.card(db, "2506.08007").upvotes == 97


def test_it_shows_the_signed_in_readers_own_votes_on_the_feed(alice, bob, db, as_user):
    alice_client = as_user(alice)
    bob_client = as_user(bob)
    alice_client.post("/papers/2506.08007/vote", data={"csrf_token": page_token(alice_client)})
    pid = data.paper_id(db, "2506.08007")
    mine = alice_client.get("/papers/date/2025-06-10").text.split(f'id="vote-{pid}"', 1)[1][:600]
    theirs = bob_client.get("/papers/date/2025-06-10").text.split(f'id="vote-{pid}"', 1)[1][:600]
    assert 'aria-pressed="true"' in mine and 'aria-pressed="false"' in theirs


def test_it_takes_votes_and_comments_on_old_style_ids(alice, db, as_user):
    alice_client = as_user(alice)
    data.store(
        db, data.paper("hep-th/9901001", "Old Strings", abstract="Branes.", authors=["Ed Old"])
    )
    token = page_token(alice_client)
    voted = alice_client.post(
        "/papers/hep-th/9901001v2/vote", data={"csrf_token": token}, follow_redirects=False
    )
    assert voted.status_code == 303 and voted.headers["location"] == "/papers/hep-th/9901001"
    alice_client.post(
        "/papers/hep-th/9901001/comments", data={"csrf_token": token, "body": "Classic."}
    )
    page = alice_client.get("/papers/hep-th/9901001").text
    assert 'aria-pressed="true"' in page and "Classic." in page


def test_it_answers_a_vote_on_an_unknown_paper_with_a_404(alice, as_user):
    alice_client = as_user(alice)
    response = alice_client.post(
        "/papers/2412.99999/vote", data={"csrf_token": page_token(alice_client)}
    )
    assert response.status_code == 404
