"""/openapi.json and /docs: typed, honest, usable with no internet and under the site's
Content-Security-Policy (our own ``docs.html`` and ``static/js/docs.js``, no inline script)."""

from __future__ import annotations

import re

import pytest

from dailypapers.web.plumbing.headers import POLICY


def test_docs_load_swagger_ui_from_this_site_under_the_sites_policy(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == POLICY  # the site's, not loosened
    directives = dict(part.strip().split(" ", 1) for part in POLICY.split(";"))
    assert directives["script-src"] == "'self'"  # so no inline script may start Swagger UI
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page.text, re.DOTALL)
    assert scripts and all('src="/' in attrs and not body.strip() for attrs, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", page.text)  # no inline event handlers either
    assert "/static/js/docs.js" in {a.split("?")[0] for a in assets}
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200 and answer.content, asset
    assert "cdn" not in page.text.lower()
    openapi = re.search(r'data-openapi="([^"]+)"', page.text).group(1)
    assert client.get(openapi).json()["openapi"].startswith("3.")


@pytest.mark.browser
def test_swagger_ui_draws_every_operation_in_a_browser_without_a_policy_violation(page):
    # The CSP would block an inline script silently for the server: only a browser shows it.
    page.goto("/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15_000)
    shown = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/daily_papers" in {path.strip() for path in shown}
    assert len(shown) >= 12
    assert page.console_errors == [] and page.dialogs == []


def test_every_api_operation_declares_its_models_and_errors(client):
    schema = client.get("/openapi.json").json()
    operations = [
        (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if path.startswith("/api/")
    ]
    assert len(operations) >= 11
    for path, method, op in operations:
        answers = op["responses"]
        assert "422" not in answers, (path, method)
        success = min(status for status in answers if status.startswith("2"))
        if success != "204":  # 201 for a made resource; 204 (no body) for a deleted one
            ok = answers[success]["content"]["application/json"]["schema"]
            assert ok.get("$ref") or ok.get("items"), (path, method)
        can_be_invalid = op.get("parameters") or op.get("requestBody")
        for status in ("400", "429") if can_be_invalid else ("429",):
            assert answers[status]["content"]["application/json"]["schema"]["$ref"].endswith(
                "/ApiError"
            ), (path, method, status)
    entry = schema["components"]["schemas"]["DailyEntry"]["properties"]
    for field in (
        "paper",
        "publishedAt",
        "title",
        "summary",
        "thumbnail",
        "numComments",
        "submittedBy",
        "ai_summary",
        "ai_keywords",
        "githubRepo",
        "githubStars",
        "projectPage",
        "organization",
    ):
        assert field in entry, field
    user = schema["components"]["schemas"]["UserOverview"]["properties"]
    assert {"_id", "name", "user", "avatarUrl", "fullname", "type", "isPro"} <= set(user)


def test_errors_on_api_paths_are_json_and_elsewhere_the_sites_pages(client):
    # One set of error handlers for the whole app: the API's body under /api/ and /feeds/, the
    # site's page everywhere else.
    page = client.get("/nowhere")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    for path in ("/api/nowhere", "/feeds/nowhere"):
        answer = client.get(path)
        assert answer.status_code == 404
        assert answer.json() == {"error": "Not Found", "parameter": None}
    refused = client.put("/api/daily_papers")
    assert refused.status_code == 405
    assert refused.json() == {"error": "Method Not Allowed", "parameter": None}
