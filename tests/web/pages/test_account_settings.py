"""The account settings page: the address and its "resend", changing the password (other
browsers signed out), signing out everywhere."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support import data, web
from tests.support.data import PASSWORD

NEW_PASSWORD = "purple elephant umbrella"


def _post(client: TestClient, path: str, fields: dict | None = None, **options):
    return web.submit_form(client, path, fields or {}, page="/settings/account", **options)


def _signed_in(client: TestClient) -> bool:
    return "Sign out" in client.get("/papers").text


def test_it_needs_a_signed_in_reader(client):
    response = client.get("/settings/account", follow_redirects=False)
    assert (
        response.status_code == 303
        and "/signin?next=/settings/account" in response.headers["location"]
    )


def test_it_shows_an_unverified_address_with_a_resend_button_limited_per_hour(db, as_user):
    dave = data.person(db, "dave", verified=False)
    reader = as_user(dave)
    page = reader.get("/settings/account")
    assert "no-store" in page.headers["cache-control"]
    assert "dave@example.org</strong> — unverified" in page.text and "Resend the link" in page.text
    for _ in range(2):  # the sign-up's mail and two more an hour
        sent = _post(reader, "/settings/account/verification")
        assert sent.status_code == 200 and "We sent a new link to dave@example.org" in sent.text
    refused = _post(reader, "/settings/account/verification")
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "Too many verification mails" in refused.text
    assert len(data.mailed_links(db, dave)) == 3


def test_it_shows_a_verified_address_without_a_resend_button(alice, as_user):
    page = as_user(alice).get("/settings/account").text
    assert "alice@example.org</strong> — verified" in page and "Resend the link" not in page


def test_it_changes_the_password_and_signs_out_the_other_browsers(app, alice, as_user):
    here, elsewhere = as_user(alice), as_user(alice)
    changed = _post(
        here,
        "/settings/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "repeated": NEW_PASSWORD},
    )
    assert changed.status_code == 200 and "every other browser is signed out" in changed.text
    assert _signed_in(here) and not _signed_in(elsewhere)
    with TestClient(app) as fresh:
        web.sign_in(fresh, alice, NEW_PASSWORD)


def test_it_reshows_the_password_form_with_each_error(alice, as_user):
    reader = as_user(alice)
    wrong = _post(
        reader,
        "/settings/account/password",
        {"current": "guess", "password": NEW_PASSWORD, "repeated": NEW_PASSWORD},
    )
    assert wrong.status_code == 400 and 'id="current-error"' in wrong.text
    weak = _post(
        reader,
        "/settings/account/password",
        {"current": PASSWORD, "password": "password", "repeated": "password"},
    )
    assert weak.status_code == 400 and "too easy to guess" in weak.text
    differ = _post(
        reader,
        "/settings/account/password",
        {"current": PASSWORD, "password": NEW_PASSWORD, "repeated": "something else"},
    )
    assert differ.status_code == 400 and 'id="repeated-error"' in differ.text


def test_it_signs_out_everywhere(alice, bob, as_user):
    here, elsewhere, bobs = as_user(alice), as_user(alice), as_user(bob)
    response = _post(here, "/settings/account/sign-out-everywhere", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    assert [_signed_in(c) for c in (here, elsewhere, bobs)] == [False, False, True]
