"""Claiming an author name through the site: "This is me" on the page, the admins' page that
decides, the author's page and the user's page showing the holder; each refusal a clear 4xx."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from dailypapers.authors import claims
from dailypapers.store import account_mail
from tests.support import data
from tests.support.web import csrf_token_of, page_token, sign_up

pytestmark = pytest.mark.store("feed")

CEYUAN = "/authors/" + quote("Ceyuan Yang", safe="")


@pytest.fixture
def admin(db, carol):
    return data.admin(db, carol)


def _claim_form(client, path=CEYUAN):
    page = client.get(path)
    assert page.status_code == 200 and "This is me" in page.text
    match = re.search(
        r'<form class="inline" method="post" action="/claims">(.*?)</form>', page.text, re.S
    )
    assert match, "no claim form"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', match.group(1)))
    return client.post("/claims", data=fields, follow_redirects=False)


def _pending_ids(html: str) -> list[str]:
    return re.findall(r'action="/admin/claims/(\d+)/approve"', html)


def test_alice_claims_carol_approves_and_every_page_shows_her(db, client, as_user, alice, admin):
    alice_client = as_user(alice)
    answer = _claim_form(alice_client)
    assert answer.status_code == 303 and answer.headers["location"] == CEYUAN
    assert "waiting for an admin" in alice_client.get(CEYUAN).text
    anonymous = client.get(CEYUAN).text
    assert "Claimed by" not in anonymous and "Sign in</a> to claim" in anonymous

    carol_client = as_user(admin)
    queue = carol_client.get("/admin/claims")
    assert queue.status_code == 200 and "alice" in queue.text
    (claim_id,) = _pending_ids(queue.text)
    decided = carol_client.post(
        f"/admin/claims/{claim_id}/approve",
        data={"csrf_token": csrf_token_of(queue.text)},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    assert _pending_ids(carol_client.get("/admin/claims").text) == []
    with db.read() as conn:
        told = [m["subject"] for m in account_mail.for_user(conn, alice.id) if m["kind"] == "claim"]
    assert told == ["Your claim of “Ceyuan Yang” was approved"]

    shown = client.get(CEYUAN).text
    assert 'Claimed by <a href="/users/alice">alice</a>' in shown
    assert "This is you" in alice_client.get(CEYUAN).text
    profile = client.get("/users/alice").text
    assert "Writes as" in profile and "Ceyuan Yang" in profile and "2506.09984" in profile


def test_it_refuses_a_claim_from_an_unverified_account(client, db):
    sign_up(client, "mallory")  # signed in, the address not confirmed
    page = client.get(CEYUAN).text
    assert "This is me" not in page and "Confirm your email address" in page
    answer = client.post(
        "/claims", data={"csrf_token": page_token(client, CEYUAN), "name": "Ceyuan Yang"}
    )
    assert answer.status_code == 403 and "verified accounts" in answer.text


def test_it_refuses_a_claim_without_csrf(as_user, alice, db):
    alice_client = as_user(alice)
    answer = alice_client.post("/claims", data={"name": "Ceyuan Yang"})
    assert answer.status_code == 403 and "Form expired" in answer.text
    forged = alice_client.post("/claims", data={"name": "Ceyuan Yang", "csrf_token": "x" * 43})
    assert forged.status_code == 403
    assert "waiting for an admin" not in alice_client.get(CEYUAN).text


def test_it_refuses_claiming_a_name_alice_holds(db, as_user, alice, bob, admin):
    claims.approve(db, admin, claims.claim(db, alice, "Ceyuan Yang").id)
    bob_client = as_user(bob)
    page = bob_client.get(CEYUAN).text
    assert "This is me" not in page and "Claimed by" in page
    answer = bob_client.post(
        "/claims", data={"csrf_token": csrf_token_of(page), "name": "Yang, Ceyuan"}
    )
    assert answer.status_code == 409 and "already claimed by alice" in answer.text


def test_it_refuses_claiming_an_ambiguous_initials_name(as_user, alice):
    alice_client = as_user(alice)
    page = alice_client.get("/authors/" + quote("Z. Chen", safe=""))
    assert page.status_code == 200 and "This is me" not in page.text
    answer = alice_client.post(
        "/claims", data={"csrf_token": page_token(alice_client, CEYUAN), "name": "Z. Chen"}
    )
    assert answer.status_code == 400 and "several authors" in answer.text


def test_it_keeps_bob_from_approving_his_own_claim(db, as_user, bob, client):
    claim = claims.claim(db, bob, "Ceyuan Yang")
    bob_client = as_user(bob)
    token = page_token(bob_client, CEYUAN)
    assert bob_client.get("/admin/claims").status_code == 403
    for action in ("approve", "reject", "revoke"):
        answer = bob_client.post(
            f"/admin/claims/{claim.id}/{action}", data={"csrf_token": token, "reason": "mine"}
        )
        assert answer.status_code == 403, action
    assert "Claimed by" not in client.get(CEYUAN).text
    assert client.get("/admin/claims", follow_redirects=False).status_code == 303  # sign in


def test_it_limits_the_claims_waiting_for_review(db, as_user, alice):
    for name in ["Jianwen Jiang", "Bernhard Schölkopf", "Trent Trusted"][: claims.MAX_PENDING]:
        claims.claim(db, alice, name)
    alice_client = as_user(alice)
    page = alice_client.get(CEYUAN).text
    assert "This is me" not in page and "waiting for review" in page
    answer = alice_client.post(
        "/claims", data={"csrf_token": csrf_token_of(page), "name": "Ceyuan Yang"}
    )
    assert answer.status_code == 409


def test_a_rejected_claim_tells_its_reason_and_alice_may_withdraw(db, as_user, alice, admin):
    alice_client = as_user(alice)
    carol_client = as_user(admin)
    claim = claims.claim(db, alice, "Ceyuan Yang")
    token = page_token(carol_client, "/admin/claims")
    empty = carol_client.post(f"/admin/claims/{claim.id}/reject", data={"csrf_token": token})
    assert empty.status_code == 400
    carol_client.post(
        f"/admin/claims/{claim.id}/reject", data={"csrf_token": token, "reason": "Not <b>you</b>"}
    )
    page = alice_client.get(CEYUAN).text
    assert "was rejected: “Not &lt;b&gt;you&lt;/b&gt;”" in page
    again = claims.claim(db, alice, "Ceyuan Yang")
    token = page_token(alice_client, CEYUAN)
    taken = alice_client.post(
        f"/claims/{again.id}/withdraw", data={"csrf_token": token}, follow_redirects=False
    )
    assert taken.status_code == 303
    stranger = alice_client.post(f"/claims/{again.id + 999}/withdraw", data={"csrf_token": token})
    assert stranger.status_code == 404
