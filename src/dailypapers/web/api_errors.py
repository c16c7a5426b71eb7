"""API errors: one JSON body for all of them, ``{"error": "...", "parameter": "..."}``.

``error`` is the key upstream uses (huggingface_hub shows it in its exception message);
``parameter`` names the query/path parameter or body field at fault. FastAPI's own validation
errors (422 with a ``detail`` list) are turned into the same 400 body for API and feed paths, and
left alone elsewhere (the site's HTML pages handle their forms themselves).
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from dailypapers.web.api_shapes import ApiError

API_PREFIXES = ("/api/", "/feeds/")


class ApiProblem(Exception):
    """Raised by API code: becomes ``status`` with the JSON error body."""

    def __init__(self, status: int, error: str, parameter: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(error)
        self.status = status
        self.error = error
        self.parameter = parameter
        self.headers = headers or {}


def bad_request(parameter: str, error: str) -> ApiProblem:
    return ApiProblem(400, error, parameter)


def not_found(parameter: str, error: str) -> ApiProblem:
    return ApiProblem(404, error, parameter)


def error_response(status: int, error: str, parameter: str | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    body = orjson.dumps({"error": error, "parameter": parameter})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def describe_validation(errors: list[dict[str, Any]]) -> tuple[str | None, str]:
    """(parameter, message) for the first of FastAPI's validation errors."""
    if not errors:
        return None, "invalid request"
    first = errors[0]
    location = [str(part) for part in first.get("loc", ())]
    # ("query", "limit") -> limit; ("body", "comment") -> comment; ("body",) -> body
    parameter = location[-1] if len(location) > 1 else (location[0] if location else None)
    if len(location) > 2 and location[0] == "body":
        parameter = ".".join(location[1:])
    message = first.get("msg", "invalid value")
    return parameter, f"{parameter}: {message}" if parameter else message


def install(app: FastAPI) -> None:
    """Answer errors on API and feed paths with the JSON body; hand every other path to the
    handler registered before (the site's error pages), so call this after the site's own."""
    site_validation = app.exception_handlers.get(RequestValidationError,
                                                 request_validation_exception_handler)
    site_http = app.exception_handlers.get(HTTPException, http_exception_handler)

    @app.exception_handler(ApiProblem)
    async def _problem(_request: Request, problem: ApiProblem) -> Response:
        return error_response(problem.status, problem.error, problem.parameter, problem.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not request.url.path.startswith(API_PREFIXES):
            return await site_validation(request, exc)
        parameter, message = describe_validation(list(exc.errors()))
        return error_response(400, message, parameter)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        # The router's own 404 / 405 (no such path or method) in the API's error body.
        if not request.url.path.startswith(API_PREFIXES):
            return await site_http(request, exc)
        return error_response(exc.status_code, str(exc.detail), None,
                              dict(exc.headers or {}))


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring the error body for these statuses."""
    described = {
        400: "An invalid parameter (named in `parameter`).",
        401: "No API token, or an invalid or revoked one.",
        403: "The token's user may not change this resource.",
        404: "Unknown or malformed id (named in `parameter`).",
        409: "The change conflicts with the current state (e.g. already in the feed).",
        429: "Too many requests: wait `Retry-After` seconds.",
        502: "An outside source (arXiv) failed.",
        503: "The feature is not available right now (e.g. no search index).",
    }
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ApiError, "description": described[status]}
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"},
                                                "description": "Seconds to wait."}}
        out[status] = entry
    return out
