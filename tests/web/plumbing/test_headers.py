"""Security headers on every response, set by one middleware: pages, fragments, cached pages,
JSON, feeds, static files, error pages, ``/docs`` and the digest pages reached from mail."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dailypapers.web.app import create_app
from tests.support import web

pytestmark = pytest.mark.store("feed")

EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
# Answers that are not routes of their own: static files, cached pages, the router's 404/405.
EXTRA_PATHS = [
    "/static/css/site.css",
    "/static/vendor/htmx/htmx.min.js",
    "/nowhere",
    "/api/nowhere",
    "/openapi.json",
    "/docs",
    "/papers/date/2025-06-10",
]


def _assert_secured(response, what: str) -> None:
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (what, name)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, what


def test_it_sends_security_headers_with_pages(client):
    page = client.get("/papers")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "set-cookie" not in page.headers  # reading sets no cookie


@pytest.mark.every_backend
def test_every_route_answers_with_the_security_headers(app, client, alice, as_user):
    routes = web.routes_of(app, methods={"GET"})
    assert ("GET", "/subscribe") in routes and ("GET", "/unsubscribe/x") in routes
    signed_in = as_user(alice)
    for reader in (client, signed_in):
        for _method, path in routes:
            response = reader.get(path, follow_redirects=False)
            _assert_secured(response, path)
        for path in EXTRA_PATHS:
            _assert_secured(reader.get(path, follow_redirects=False), path)
    _assert_secured(client.get("/papers/date/2025-06-10"), "a page from the cache")
    assert client.get("/papers/date/2025-06-10").headers["x-page-cache"] == "hit"


def test_every_form_answer_carries_them_too(client, alice, as_user):
    signed_in = as_user(alice)
    token = web.page_token(signed_in, "/papers/2506.08007")
    answers = {
        "a vote fragment": signed_in.post(
            "/papers/2506.08007/vote",
            data={"vote": "up"},
            headers={"HX-Request": "true", "X-CSRF-Token": token},
        ),
        "a subscribe page": client.post("/subscribe", data={"email": "not an address"}),
        "a confirmation page": client.post("/subscribe/confirm/forged"),
        "a one-click unsubscribe": client.post("/unsubscribe/forged"),
        "a preferences page": client.post("/digest/preferences/forged", data={}),
        "an API error": client.post("/api/papers/2506.08007/upvote"),
    }
    for what, response in answers.items():
        _assert_secured(response, what)


def test_it_adds_strict_transport_security_when_the_site_is_https(settings, db):
    https = create_app(settings.model_copy(update={"base_url": "https://papers.example.org"}), db)
    with TestClient(https, base_url="https://testserver") as secure:
        assert secure.get("/").headers["strict-transport-security"].startswith("max-age=")
    with TestClient(create_app(settings, db)) as plain:
        assert "strict-transport-security" not in plain.get("/").headers
