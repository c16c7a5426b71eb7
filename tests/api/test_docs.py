"""/openapi.json and /docs: typed, honest, and usable with no internet."""

from __future__ import annotations

import re


def test_docs_load_swagger_ui_from_this_site(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert assets and all(a.startswith("/") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.text.lower()


def test_every_api_operation_declares_its_models_and_errors(client):
    schema = client.get("/openapi.json").json()
    operations = [(path, method, op) for path, ops in schema["paths"].items()
                  for method, op in ops.items() if path.startswith("/api/")]
    assert len(operations) >= 11
    for path, method, op in operations:
        answers = op["responses"]
        assert "422" not in answers, (path, method)
        ok = answers["200"]["content"]["application/json"]["schema"]
        assert ok.get("$ref") or ok.get("items"), (path, method)
        can_be_invalid = op.get("parameters") or op.get("requestBody")
        for status in ("400", "429") if can_be_invalid else ("429",):
            assert answers[status]["content"]["application/json"]["schema"]["$ref"].endswith(
                "/ApiError"), (path, method, status)
    entry = schema["components"]["schemas"]["DailyEntry"]["properties"]
    for field in ("paper", "publishedAt", "title", "summary", "thumbnail", "numComments",
                  "submittedBy", "ai_summary", "ai_keywords", "githubRepo", "githubStars",
                  "projectPage", "organization"):
        assert field in entry, field
    user = schema["components"]["schemas"]["UserOverview"]["properties"]
    assert {"_id", "name", "user", "avatarUrl", "fullname", "type", "isPro"} <= set(user)


def test_errors_outside_the_api_keep_the_handlers_registered_before(settings, imported):
    from fastapi import FastAPI
    from fastapi.responses import PlainTextResponse
    from starlette.exceptions import HTTPException
    from starlette.testclient import TestClient

    from dailypapers.web import api_errors

    app = FastAPI()

    @app.exception_handler(HTTPException)
    async def site_page(_request, exc):  # noqa: ANN001, ANN202 - as the site's error pages
        return PlainTextResponse(f"site page {exc.status_code}", status_code=exc.status_code)

    api_errors.install(app)
    client = TestClient(app)
    assert client.get("/nowhere").text == "site page 404"
    assert client.get("/api/nowhere").json() == {"error": "Not Found", "parameter": None}
