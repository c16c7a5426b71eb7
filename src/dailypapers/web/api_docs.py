"""``/docs`` (Swagger UI served from our own static files, so it works with no internet) and the
tidying of ``/openapi.json``.

FastAPI documents a 422 validation error on every operation with parameters; our API answers
those as 400 with the common error body (:mod:`dailypapers.web.api_errors`), so API operations
document a 400 instead, to keep the schema honest. Reads accept a token but do not need
one, which OpenAPI says with an empty alternative in ``security``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from starlette.responses import HTMLResponse

from dailypapers.web.api_errors import API_PREFIXES

VENDOR = "/static/vendor/swagger-ui"


def install(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title}: API",
            swagger_js_url=f"{VENDOR}/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR}/swagger-ui.css",
            swagger_favicon_url=f"{VENDOR}/favicon-32x32.png",
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version,
                                 description=app.description, routes=app.routes)
            for path, operations in schema.get("paths", {}).items():
                if path.startswith(API_PREFIXES):
                    for method, operation in operations.items():
                        answers = operation.setdefault("responses", {})
                        if answers.pop("422", None) is not None and "400" not in answers:
                            answers["400"] = {
                                "description": "An invalid parameter (named in `parameter`).",
                                "content": {"application/json": {"schema": {
                                    "$ref": "#/components/schemas/ApiError"}}},
                            }
                        if method == "get" and operation.get("security"):
                            # Reads work without a token too: the token is optional.
                            operation["security"] = [{}, *operation["security"]]
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
