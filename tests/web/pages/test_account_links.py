"""The pages mailed links open: verifying an address by a button, asking for a reset (the same
page whatever the address) and setting a new password by its link."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.support import data, web
from tests.support.data import PASSWORD

NEW_PASSWORD = "purple elephant umbrella"


def _path(link: str) -> str:
    assert link.startswith("http://testserver/")
    return link.removeprefix("http://testserver")


def test_it_verifies_an_address_only_when_its_button_is_pressed(client, db):
    dave = data.person(db, "dave", verified=False)
    path = _path(data.mailed_links(db, dave)[-1])
    for _ in range(2):  # a mail scanner fetching the link verifies nothing
        page = client.get(path)
        assert page.status_code == 200 and "Confirm my address" in page.text
        assert "no-store" in page.headers["cache-control"]
    done = web.submit_form(client, path, {})
    assert done.status_code == 200 and "is verified for dave" in done.text
    again = web.submit_form(client, path, {}, page="/account/reset")
    assert again.status_code == 410
    assert client.get(path).status_code == 410


def test_it_refuses_a_verification_link_for_an_address_another_account_verified(client, db):
    bob = data.person(db, "bob", email="alice@example.org", verified=False)
    data.person(db, "alice", email="alice@example.org")
    path = _path(data.mailed_links(db, bob)[-1])
    refused = web.submit_form(client, path, {})
    assert refused.status_code == 409 and "Another account has verified" in refused.text


def _request_reset(client: TestClient, email: str):
    return web.submit_form(client, "/account/reset", {"email": email})


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


def test_it_answers_a_reset_request_with_the_same_page_for_unknown_addresses(client, db, alice):
    known = _request_reset(client, "alice@example.org")
    unknown = _request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(known.text).replace("alice@", "nobody@") == _without_tokens(unknown.text)
    assert "If an account has verified" in known.text
    assert len(data.mailed_links(db, alice, "reset")) == 1


def test_it_limits_reset_requests_per_address(client, db, alice):
    for _ in range(3):
        assert _request_reset(client, "alice@example.org").status_code == 200
    refused = _request_reset(client, "alice@example.org")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0


def test_it_resets_the_password_by_its_link_and_signs_out_everywhere(
    app, client, db, alice, as_user
):
    signed_in = as_user(alice)
    _request_reset(client, "alice@example.org")
    path = _path(data.mailed_links(db, alice, "reset")[-1])
    form = client.get(path)
    assert form.status_code == 200 and "For <strong>alice</strong>" in form.text
    fields = {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD}
    done = web.submit_form(client, path, fields)
    assert done.status_code == 200 and "every browser is signed out" in done.text
    assert "Sign out" not in signed_in.get("/papers").text
    assert web.submit_form(client, path, fields, page="/account/reset").status_code == 410
    with TestClient(app) as fresh:
        web.sign_in(fresh, alice, NEW_PASSWORD)
    refused = web.submit_form(client, "/signin", {"login": "alice", "password": PASSWORD})
    assert refused.status_code == 400


def test_it_reshows_the_reset_form_with_a_weak_password_refused(client, db, alice):
    _request_reset(client, "alice@example.org")
    path = _path(data.mailed_links(db, alice, "reset")[-1])
    weak = web.submit_form(client, path, {"password": "12345678", "repeated": "12345678"})
    assert weak.status_code == 400 and 'id="password-error"' in weak.text
    fields = {"password": NEW_PASSWORD, "repeated": NEW_PASSWORD}
    assert web.submit_form(client, path, fields).status_code == 200  # the link is still good


def test_it_answers_410_for_a_link_that_is_not_ours(client):
    assert client.get("/account/reset/not-a-token").status_code == 410
    assert client.get("/account/verify/" + "x" * 5000).status_code == 410
