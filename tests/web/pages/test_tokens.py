"""The settings page for API tokens: create (shown once), use, revoke; CSRF and 403."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from dailypapers.web.app import create_app
from tests.api.conftest import bearer
from tests.support.web import csrf_token_of, sign_up


@pytest.fixture
def app(settings, imported):
    return create_app(settings, imported)


def _signed_in(app, name: str) -> TestClient:
    client = TestClient(app, raise_server_exceptions=False)
    sign_up(client, name)
    return client


def _create(client: TestClient, name: str) -> str:
    page = client.get("/settings/tokens")
    answer = client.post("/settings/tokens",
                         data={"csrf_token": csrf_token_of(page.text), "name": name})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    return re.search(r'id="new-token"[^>]*value="(dp_[^"]+)"', answer.text).group(1)


def test_a_user_creates_a_token_that_is_shown_once_and_works(app):
    with _signed_in(app, "alice") as alice:
        secret = _create(alice, "my bot")
        again = alice.get("/settings/tokens").text
        assert secret not in again and "my bot" in again and secret[:7] in again
        posted = alice.post("/api/papers/2506.08007/upvote", headers=bearer(secret))
        assert posted.status_code == 200 and posted.json()["upvoted"] is True


def test_a_user_revokes_a_token_on_the_page(app):
    with _signed_in(app, "alice") as alice:
        secret = _create(alice, "old")
        token_id = alice.get("/api/tokens", headers=bearer(secret)).json()[0]["id"]
        page = alice.get("/settings/tokens")
        answer = alice.post("/settings/tokens/revoke",
                            data={"csrf_token": csrf_token_of(page.text), "token_id": token_id})
        assert answer.status_code == 200 and "No tokens yet." in answer.text
        assert alice.get("/api/tokens", headers=bearer(secret)).status_code == 401


def test_revoking_someone_elses_token_is_forbidden(app):
    with _signed_in(app, "alice") as alice, _signed_in(app, "bob") as bob:
        secret = _create(bob, "bobs")
        bobs = bob.get("/api/tokens", headers=bearer(secret)).json()[0]["id"]
        page = alice.get("/settings/tokens")
        answer = alice.post("/settings/tokens/revoke",
                            data={"csrf_token": csrf_token_of(page.text), "token_id": bobs})
        assert answer.status_code == 403
        assert bob.get("/api/tokens", headers=bearer(secret)).status_code == 200


def test_the_page_needs_sign_in_and_the_forms_a_csrf_token(app):
    with TestClient(app, raise_server_exceptions=False) as anonymous:
        answer = anonymous.get("/settings/tokens", follow_redirects=False)
        assert answer.status_code == 303 and "/signin" in answer.headers["location"]
    with _signed_in(app, "alice") as alice:
        forged = alice.post("/settings/tokens", data={"csrf_token": "forged", "name": "x"})
        assert forged.status_code == 403
        assert "No tokens yet." in alice.get("/settings/tokens").text
