"""``/docs`` (Swagger UI served from our own static files, so it works with no internet and
under the site's Content-Security-Policy) and the tidying of ``/openapi.json``.

FastAPI documents a 422 validation error on every operation with parameters; our API answers
those as 400 with the common error body (:mod:`dailypapers.web.plumbing.errors`), so API
operations document a 400 instead, to keep the schema honest. Reads accept a token but do not
need one, which OpenAPI says with an empty alternative in ``security``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from starlette.responses import HTMLResponse

from dailypapers.web.plumbing.errors import JSON_PREFIXES
from dailypapers.web.plumbing.rendering import render

BAD_REQUEST = {
    "description": "An invalid parameter (named in `parameter`).",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApiError"}}},
}


def _tidy(schema: dict[str, Any]) -> dict[str, Any]:
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith(JSON_PREFIXES):
            continue
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            if answers.pop("422", None) is not None and "400" not in answers:
                answers["400"] = BAD_REQUEST
            if method == "get" and operation.get("security"):
                operation["security"] = [{}, *operation["security"]]  # the token is optional
    return schema


def install(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        return render(
            request,
            "docs.html",
            {"title": f"{app.title}: API", "openapi_url": app.openapi_url or "/openapi.json"},
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _tidy(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
