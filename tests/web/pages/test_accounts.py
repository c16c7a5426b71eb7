"""Accounts over HTTP: sign up, sign in, sign out, sessions, CSRF on every form, safe redirects,
known devices, and the 429 and 503 answers of a busy or throttled sign-in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dailypapers.accounts import passwords, registration, throttle
from dailypapers.accounts.signin import authenticate
from dailypapers.web.plumbing.auth import safe_next
from tests.support import data, web
from tests.support.data import PASSWORD
from tests.support.hashing import every_slot_taken
from tests.support.web import csrf_token_of, sign_up, submit_form

pytestmark = pytest.mark.store("feed")


def test_it_signs_up_signs_out_and_signs_in_again(client):
    sign_up(client, "alice")
    home = client.get("/papers").text
    assert 'href="/users/alice">alice</a>' in home and "Sign out" in home
    signed_out = client.post(
        "/signout", data={"csrf_token": csrf_token_of(home)}, follow_redirects=False
    )
    assert signed_out.status_code == 303
    assert "Sign in" in client.get("/papers").text
    fields = {"login": "ALICE", "password": PASSWORD, "next": "/papers/trending"}
    response = submit_form(client, "/signin", fields, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/papers/trending"
    assert 'href="/users/alice">alice</a>' in client.get("/papers/trending").text


def test_it_signs_in_with_the_email_once_its_mailed_link_is_followed(client, db):
    sign_up(client, "alice")
    client.cookies.clear()
    fields = {"login": "Alice@Example.org", "password": PASSWORD}
    assert submit_form(client, "/signin", fields).status_code == 400  # unverified: a mere claim
    link = data.mailed_links(db, registration.find(db, "alice"))[-1]
    path = link.removeprefix("http://testserver")
    assert "Confirm my address" in client.get(path).text
    assert submit_form(client, path, {}).status_code == 200
    assert submit_form(client, "/signin", fields, follow_redirects=False).status_code == 303


def test_it_ends_the_session_on_the_server_when_signing_out(client):
    sign_up(client, "alice")
    stolen = dict(client.cookies)
    client.post("/signout", data={"csrf_token": csrf_token_of(client.get("/papers").text)})
    with TestClient(client.app) as thief:
        thief.cookies.update(stolen)
        assert "Sign out" not in thief.get("/papers").text


def test_it_sets_a_signed_httponly_samesite_cookie(client):
    fields = {"username": "alice", "email": "alice@example.com", "password": PASSWORD}
    response = submit_form(client, "/signup", fields, follow_redirects=False)
    cookie = response.headers["set-cookie"]
    assert "dailypapers_session=" in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # base_url is http://testserver


def test_it_marks_the_cookie_secure_when_the_site_is_https(settings, db):
    from dailypapers.web.app import create_app

    app = create_app(settings.model_copy(update={"base_url": "https://papers.example.org"}), db)
    with TestClient(app, base_url="https://testserver") as client:
        assert "Secure" in client.get("/signin").headers["set-cookie"]


def test_it_refuses_a_tampered_cookie(client):
    sign_up(client, "alice")
    value = client.cookies.get("dailypapers_session")
    client.cookies.clear()
    client.cookies.set("dailypapers_session", value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert "Sign out" not in client.get("/papers").text


def test_it_replaces_the_session_token_when_signing_in(client):
    before = csrf_token_of(client.get("/signin").text)
    sign_up(client, "alice")
    after = csrf_token_of(client.get("/papers/2506.08007").text)
    assert before != after  # no session fixation: a new token, so a new CSRF token too


def test_it_reshows_the_sign_up_form_with_errors_next_to_fields_and_input_kept(client):
    fields = {"username": "a b", "email": "not-an-email", "password": "short"}
    response = submit_form(client, "/signup", fields)
    assert response.status_code == 400
    text = response.text
    assert 'id="username-error"' in text and 'id="email-error"' in text
    assert 'id="password-error"' in text
    assert 'value="a b"' in text and 'value="not-an-email"' in text
    assert "short" not in text.split('id="password"')[1].split(">")[0]  # never echoed


def test_it_refuses_a_taken_username_whatever_its_case(client, app):
    sign_up(client, "alice")
    with TestClient(app) as other:
        fields = {"username": "ALICE", "email": "someone@example.com", "password": PASSWORD}
        response = submit_form(other, "/signup", fields)
        assert response.status_code == 400 and "is taken" in response.text


def test_it_refuses_the_name_of_an_upstream_submitter(client):
    fields = {"username": "unilm", "email": "u@example.com", "password": PASSWORD}
    response = submit_form(client, "/signup", fields)
    assert response.status_code == 400 and "is taken" in response.text


def test_it_reshows_the_sign_in_form_on_a_wrong_password_keeping_the_login(client):
    sign_up(client, "alice")
    client.cookies.clear()
    response = submit_form(client, "/signin", {"login": "alice", "password": "wrong password"})
    assert response.status_code == 400
    assert "do not match an account" in response.text and 'value="alice"' in response.text


def test_it_cannot_sign_in_as_an_upstream_user_without_a_password(db):
    assert authenticate(db, "unilm", "") is None
    assert authenticate(db, "unilm", "anything at all") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/papers/2506.08007#discussion", "/papers/2506.08007#discussion"),
        ("/papers?date=2025-06-10", "/papers?date=2025-06-10"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x=1", "/"),
        ("", "/"),
    ],
)
def test_it_only_returns_to_paths_on_this_site(value, expected):
    assert safe_next(value) == expected


def test_it_ignores_an_offsite_next_after_signing_in(client):
    sign_up(client, "alice")
    client.cookies.clear()
    page = client.get("/signin?next=https://evil.example/")
    assert 'name="next" value="/"' in page.text
    response = client.post(
        "/signin",
        data={
            "csrf_token": csrf_token_of(page.text),
            "login": "alice",
            "password": PASSWORD,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_it_refuses_a_sign_in_without_the_csrf_token(client):
    sign_up(client, "alice")
    client.cookies.clear()
    client.get("/signin")
    response = client.post(
        "/signin", data={"login": "alice", "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403 and "Form expired" in response.text


# -- CSRF on every state-changing route ----------------------------------------------------------


def test_it_checks_the_csrf_token_on_every_state_changing_route(alice, app, as_user):
    alice_client = as_user(alice)
    routes = web.routes_of(
        app, methods={"POST", "PUT", "PATCH", "DELETE"}, skip_api=True, skip_exempt=True
    )
    assert {("POST", "/papers/2506.08007/vote"), ("POST", "/submit"), ("POST", "/signout")} <= set(
        routes
    )
    token = csrf_token_of(alice_client.get("/papers/2506.08007").text)
    for method, path in routes:
        response = alice_client.request(
            method,
            path,
            data={"body": "hi", "paper": "2506.08007", "csrf_token": "forged"},
            follow_redirects=False,
        )
        assert response.status_code == 403, (method, path)
        response = alice_client.request(
            method,
            path,
            data={"body": "hi"},
            headers={"X-CSRF-Token": token[:-1] + ("1" if token[-1] == "0" else "0")},
            follow_redirects=False,
        )
        assert response.status_code == 403, (method, path)
    # The header form (what htmx sends) is accepted.
    ok = alice_client.post(
        "/papers/2506.08007/vote",
        headers={"X-CSRF-Token": token},
        data={"vote": "up"},
        follow_redirects=False,
    )
    assert ok.status_code == 303


def test_pages_of_other_areas_show_who_is_signed_in(app, alice, as_user):
    from fastapi import Request

    from dailypapers.web.plumbing.rendering import templates

    alice_client = as_user(alice)

    def other_area_page(request: Request):
        return templates.TemplateResponse(request, "base.html", {})

    app.add_api_route("/other-area-page", other_area_page)
    page = alice_client.get("/other-area-page").text
    assert 'href="/users/alice">alice</a>' in page and 'name="csrf_token"' in page


def _sign_in(client: TestClient, login: str, password: str):
    client.cookies.clear()
    fields = {"login": login, "password": password}
    return submit_form(client, "/signin", fields, follow_redirects=False)


def test_it_answers_429_with_retry_after_and_keeps_the_login(app, alice, monkeypatch):
    monkeypatch.setattr(throttle, "DEFAULT", throttle.SignInLimits(per_login=2))
    with TestClient(app) as client:
        assert [_sign_in(client, "alice", "guess").status_code for _ in range(2)] == [400, 400]
        refused = _sign_in(client, "alice", PASSWORD)
        assert refused.status_code == 429
        assert 0 < int(refused.headers["retry-after"]) <= 900
        assert "Too many wrong passwords" in refused.text and 'value="alice"' in refused.text
        assert 'role="alert"' in refused.text
        assert _sign_in(client, "bob", "guess").status_code == 400  # other logins unaffected


def test_it_shows_a_user_page_with_submissions(client):
    page = client.get("/users/unilm")
    assert page.status_code == 200
    assert "Reinforcement Pre-Training" in page.text
    assert client.get("/users/nobody-here").status_code == 404


# -- known devices and a busy server -------------------------------------------------------------


def test_it_lets_a_known_device_sign_in_while_its_network_is_locked_out(app, alice, monkeypatch):
    monkeypatch.setattr(throttle, "DEFAULT", throttle.SignInLimits(per_login=5, per_address=3))
    with TestClient(app) as alices_laptop, TestClient(app) as neighbour:
        web.sign_in(alices_laptop, alice)  # her browser is known from now on
        alices_laptop.post(
            "/signout", data={"csrf_token": web.page_token(alices_laptop, "/papers/2506.08007")}
        )
        for login in ("bob", "carol"):  # the same address (one NAT) fails twice more
            assert _sign_in(neighbour, login, "guess").status_code == 400
        assert _sign_in(neighbour, "alice", PASSWORD).status_code == 429
        fields = {"login": "alice", "password": PASSWORD}
        response = submit_form(alices_laptop, "/signin", fields, follow_redirects=False)
        assert response.status_code == 303


def test_it_scopes_the_device_cookie_to_the_sign_in_form(client, alice):
    response = submit_form(
        client, "/signin", {"login": "alice", "password": PASSWORD}, follow_redirects=False
    )
    cookies = response.headers.get_list("set-cookie")
    device = next(c for c in cookies if c.startswith("dailypapers_device="))
    assert "Path=/signin" in device and "HttpOnly" in device and "SameSite=Lax" in device


def test_it_counts_a_forged_device_cookie_like_none(app, alice, monkeypatch):
    monkeypatch.setattr(throttle, "DEFAULT", throttle.SignInLimits(per_login=2))
    with TestClient(app) as guesser:
        for _ in range(2):
            assert _sign_in(guesser, "alice", "guess").status_code == 400
        guesser.cookies.set("dailypapers_device", "forged.value.here", path="/signin")
        fields = {"login": "alice", "password": PASSWORD}
        assert submit_form(guesser, "/signin", fields).status_code == 429


def test_it_answers_503_with_retry_after_when_every_hashing_slot_stays_taken(
    app, alice, monkeypatch
):
    monkeypatch.setattr(passwords, "WAIT_SECONDS", 0.05)
    with TestClient(app) as client:
        page = client.get("/signin").text
        with every_slot_taken(monkeypatch):
            refused = client.post(
                "/signin",
                data={"csrf_token": csrf_token_of(page), "login": "alice", "password": PASSWORD},
            )
    assert refused.status_code == 503
    assert refused.headers["retry-after"] == str(passwords.RETRY_AFTER)
    assert "busy" in refused.text and 'value="alice"' in refused.text


def test_it_refuses_a_disabled_account_with_its_reason(client, db, alice):
    from dailypapers.accounts import administration

    administration.disable(db, "alice")
    assert _sign_in(client, "alice", "guess").status_code == 400
    refused = _sign_in(client, "alice", PASSWORD)
    assert refused.status_code == 403 and "This account is disabled." in refused.text


def test_it_builds_mailed_links_from_the_site_address_never_the_host_header(client, db):
    fields = {"username": "dave", "email": "dave@example.org", "password": PASSWORD}
    token = web.page_token(client, "/signup")
    response = client.post(
        "/signup",
        data={"csrf_token": token, **fields},
        headers={"Host": "evil.example"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    (link,) = data.mailed_links(db, registration.find(db, "dave"))
    assert link.startswith("http://testserver/account/verify/")


def test_it_limits_sign_ups_from_one_address_over_http(app):
    with TestClient(app) as client:
        for number in range(5):
            sign_up(client, f"reader{number}")
            client.cookies.clear()
        fields = {"username": "reader5", "email": "r5@example.org", "password": PASSWORD}
        refused = submit_form(client, "/signup", fields)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert "Too many sign-ups from your network" in refused.text
