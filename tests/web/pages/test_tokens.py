"""The settings page for API tokens: create (shown once), use, revoke; CSRF and 403."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.support.data import bearer
from tests.support.web import csrf_token_of

pytestmark = pytest.mark.store("feed")


def _create(client: TestClient, name: str) -> str:
    page = client.get("/settings/tokens")
    answer = client.post(
        "/settings/tokens", data={"csrf_token": csrf_token_of(page.text), "name": name}
    )
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    return re.search(r'id="new-token"[^>]*value="(dp_[^"]+)"', answer.text).group(1)


def test_a_user_creates_a_token_that_is_shown_once_and_works(alice, as_user):
    browser = as_user(alice)
    secret = _create(browser, "my bot")
    again = browser.get("/settings/tokens").text
    assert secret not in again and "my bot" in again and secret[:7] in again
    posted = browser.post("/api/papers/2506.08007/upvote", headers=bearer(secret))
    assert posted.status_code == 200 and posted.json()["upvoted"] is True


def test_a_user_revokes_a_token_on_the_page(alice, as_user):
    browser = as_user(alice)
    secret = _create(browser, "old")
    token_id = browser.get("/api/tokens", headers=bearer(secret)).json()[0]["id"]
    page = browser.get("/settings/tokens")
    answer = browser.post(
        "/settings/tokens/revoke",
        data={"csrf_token": csrf_token_of(page.text), "token_id": token_id},
    )
    assert answer.status_code == 200 and "No tokens yet." in answer.text
    assert browser.get("/api/tokens", headers=bearer(secret)).status_code == 401


def test_revoking_someone_elses_token_is_forbidden(alice, bob, as_user):
    alices, bobs_browser = as_user(alice), as_user(bob)
    secret = _create(bobs_browser, "bobs")
    bobs = bobs_browser.get("/api/tokens", headers=bearer(secret)).json()[0]["id"]
    page = alices.get("/settings/tokens")
    answer = alices.post(
        "/settings/tokens/revoke", data={"csrf_token": csrf_token_of(page.text), "token_id": bobs}
    )
    assert answer.status_code == 403
    assert bobs_browser.get("/api/tokens", headers=bearer(secret)).status_code == 200


def test_the_page_needs_sign_in_and_the_forms_a_csrf_token(client, alice, as_user):
    answer = client.get("/settings/tokens", follow_redirects=False)
    assert answer.status_code == 303 and "/signin" in answer.headers["location"]
    browser = as_user(alice)
    forged = browser.post("/settings/tokens", data={"csrf_token": "forged", "name": "x"})
    assert forged.status_code == 403
    assert "No tokens yet." in browser.get("/settings/tokens").text
