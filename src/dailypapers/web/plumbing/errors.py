"""Every failure ends in a clear answer, never a traceback: a page for the site, JSON for the API.

- Paths under ``/api/`` and ``/feeds/`` answer ``{"error": "...", "parameter": "..."}``:
  ``error`` is the key upstream uses (huggingface_hub shows it in its exception message),
  ``parameter`` names the query or path parameter or body field at fault. Routes raise
  :class:`ApiProblem`; FastAPI's own validation errors become the same 400 body.
- Every other path gets ``error.html`` with a search box and the way back; a form's validation
  error is a 400 page naming the fields.

Unexpected exceptions are logged with their traceback and answered with a plain 500.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from dailypapers.papers.listing import InvalidPeriod
from dailypapers.web.plumbing.auth import PaperAction, SignInRequired, sign_in_url, viewer
from dailypapers.web.plumbing.csrf import CsrfFailed
from dailypapers.web.plumbing.rendering import render

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/feeds/")
TITLES = {
    400: "That request doesn’t look right",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed here",
    410: "This link has expired",
    413: "Too large",
    422: "That request doesn’t look right",
    429: "Slow down",
}
DESCRIBED = {
    400: "An invalid parameter (named in `parameter`).",
    401: "No API token, or an invalid or revoked one.",
    403: "The token's user may not change this resource.",
    404: "Unknown or malformed id (named in `parameter`).",
    409: "The change conflicts with the current state (e.g. already in the feed).",
    429: "Too many requests: wait `Retry-After` seconds.",
    502: "An outside source (arXiv) failed.",
    503: "Not available right now (no search index, or the database is unreachable: wait "
    "`Retry-After` seconds).",
}


class ApiError(BaseModel):
    """Every 4xx/5xx answer of the API and the feeds."""

    error: str = Field(description="What went wrong, fit to show to a person.")
    parameter: str | None = Field(
        None, description="The query parameter, path parameter or body field that was invalid."
    )


class ApiProblem(Exception):
    """Raised by API and feed code: becomes ``status`` with the JSON error body."""

    def __init__(
        self,
        status: int,
        error: str,
        parameter: str | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(error)
        self.status = status
        self.error = error
        self.parameter = parameter
        self.headers = headers or {}


def bad_request(parameter: str, error: str) -> ApiProblem:
    return ApiProblem(400, error, parameter)


def not_found(parameter: str, error: str) -> ApiProblem:
    return ApiProblem(404, error, parameter)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries declaring the error body for these statuses."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        entry: dict[str, Any] = {"model": ApiError, "description": DESCRIBED[status]}
        if status in (429, 503):
            entry["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
            }
        out[status] = entry
    return out


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(JSON_PREFIXES)


def json_error(
    status: int, error: str, parameter: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    body = orjson.dumps({"error": error, "parameter": parameter})
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def describe_validation(errors: list[dict[str, Any]]) -> tuple[str | None, str]:
    """(parameter, message) for the first of FastAPI's validation errors."""
    if not errors:
        return None, "invalid request"
    location = [str(part) for part in errors[0].get("loc", ())]
    # ("query", "limit") -> limit; ("body", "comment") -> comment; ("body",) -> body
    parameter = location[-1] if len(location) > 1 else (location[0] if location else None)
    if len(location) > 2 and location[0] == "body":
        parameter = ".".join(location[1:])
    message = errors[0].get("msg", "invalid value")
    return parameter, f"{parameter}: {message}" if parameter else message


async def error_page(request: Request, status_code: int, message: str, **details: Any) -> Response:
    """The error page, with the header showing who is signed in (``details`` as
    :func:`render_error` takes them)."""
    await viewer(request)
    return render_error(request, status_code, message, **details)


async def no_paper_page(action: PaperAction, to: str) -> Response:
    """The 404 page of an action on a paper this site does not have, searching for its id."""
    found = action.arxiv_id
    return await error_page(action.request, 404, f"There is no paper {found} to {to}.", q=found)


def render_error(
    request: Request,
    status_code: int,
    message: str,
    *,
    title: str | None = None,
    q: str = "",
    action: dict | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error page, for routes that already loaded the viewer (no I/O)."""
    return render(
        request,
        "error.html",
        {
            "status_code": status_code,
            "title": title or TITLES.get(status_code, "Something went wrong"),
            "message": message,
            "q": q,
            "action": action,
        },
        status_code=status_code,
        headers=headers,
    )


async def _problem(_request: Request, problem: ApiProblem) -> Response:
    return json_error(problem.status, problem.error, problem.parameter, problem.headers)


async def _http_error(request: Request, exc: HTTPException) -> Response:
    headers = dict(exc.headers or {})
    if wants_json(request):
        return json_error(exc.status_code, str(exc.detail), None, headers)
    q = ""
    if exc.status_code == 404:
        message = "There is no page at this address. It may have moved, or the link has a typo."
        if request.url.path.startswith("/papers/"):
            # /papers/<something that is no arXiv id>: offer to search for it.
            q = request.url.path.removeprefix("/papers/")[:200]
            message = (
                f"“{q}” is not an arXiv id we can look up (ids look like 2406.12345 or "
                "hep-th/9901001). Search for it instead:"
            )
    elif exc.status_code == 405:
        message = "This address does not answer that kind of request."
    else:
        message = exc.detail if isinstance(exc.detail, str) else "The request could not be served."
    return await error_page(request, exc.status_code, message, q=q, headers=headers)


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    if wants_json(request):
        parameter, message = describe_validation(list(exc.errors()))
        return json_error(400, message, parameter)
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
    message = "Some parameters are missing or malformed"
    message += f": {', '.join(f for f in fields if f)}." if any(fields) else "."
    return await error_page(request, 400, message)


async def _invalid_period(request: Request, exc: InvalidPeriod) -> Response:
    message = str(exc)
    if wants_json(request):
        return json_error(400, message, None)
    return await error_page(
        request,
        404,
        message[0].upper() + message[1:] + ".",
        title="No such day, week or month",
        action={"href": "/papers", "text": "Latest papers"},
    )


async def _sign_in_required(request: Request, exc: SignInRequired) -> Response:
    target = sign_in_url(exc.next_url)
    if request.headers.get("hx-request"):
        # htmx follows HX-Redirect with a full page load (a 303 would be swapped in place).
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
    return await error_page(
        request,
        403,
        "This form has expired or did not come from this site, so nothing was changed. "
        "Go back, reload the page and try again.",
        title="Form expired",
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_json(request):
        return json_error(500, "Internal Server Error")
    try:
        return await error_page(
            request,
            500,
            "Something broke on our side while making this "
            "page. It has been logged; please try again in a moment.",
            title="Something went wrong",
        )
    except Exception:  # the error page itself failed (e.g. a template problem)
        return Response(
            "Something went wrong on our side. Please try again later.",
            status_code=500,
            media_type="text/plain",
        )


def install(app: FastAPI) -> None:
    app.add_exception_handler(ApiProblem, _problem)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(InvalidPeriod, _invalid_period)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    app.add_exception_handler(Exception, _server_error)
