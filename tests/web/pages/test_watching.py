"""Watching a paper from its page, with htmx and without JavaScript, and the /watching page;
bob can neither read nor change alice's watches."""

from __future__ import annotations

import pytest

from dailypapers.papers import discussion
from dailypapers.watching import service
from tests.support.web import HTMX, page_token

pytestmark = pytest.mark.store("feed")

ARXIV_ID = "2506.08007"


def _watch(client, value="on", **headers):
    token = page_token(client)
    return client.post(
        f"/papers/{ARXIV_ID}/watch",
        data={"csrf_token": token, "watch": value},
        headers=headers,
        follow_redirects=False,
    )


def test_a_reader_watches_from_the_paper_page_and_sees_the_news(as_user, db, alice, bob):
    client = as_user(alice)
    page = client.get(f"/papers/{ARXIV_ID}").text
    assert f'hx-get="/papers/{ARXIV_ID}/watch" hx-trigger="load"' in page
    answer = _watch(client)
    assert answer.status_code == 303 and answer.headers["location"] == f"/papers/{ARXIV_ID}"
    assert 'aria-pressed="true"' in client.get(f"/papers/{ARXIV_ID}/watch").text
    discussion.post(db, bob.id, ARXIV_ID, "Nice.", limits=discussion.UNLIMITED)
    listed = client.get("/watching")
    assert listed.status_code == 200 and f"a new comment by {bob.username}" in listed.text
    swapped = _watch(client, "off", **HTMX)
    assert swapped.status_code == 200 and 'aria-pressed="false"' in swapped.text
    assert not service.is_watching(db, alice, ARXIV_ID)


def test_it_refuses_a_watch_without_the_csrf_token(as_user, db, alice):
    answer = as_user(alice).post(f"/papers/{ARXIV_ID}/watch", data={"watch": "on"})
    assert answer.status_code == 403 and not service.is_watching(db, alice, ARXIV_ID)


def test_it_keeps_alices_watches_from_bob(as_user, db, alice, bob):
    service.watch(db, alice, ARXIV_ID)
    bobs = as_user(bob)
    assert ARXIV_ID not in bobs.get("/watching").text
    assert 'aria-pressed="false"' in bobs.get(f"/papers/{ARXIV_ID}/watch").text
    assert _watch(bobs, "off").status_code == 303  # unwatches his own (none), not hers
    assert service.is_watching(db, alice, ARXIV_ID)


def test_signed_out_the_watching_page_asks_to_sign_in(client):
    answer = client.get("/watching", follow_redirects=False)
    assert answer.status_code in (302, 303) and "/signin" in answer.headers["location"]
