"""Exception handlers: every failure of an HTML route ends on a helpful page, never a traceback.

Paths under ``/api/`` keep FastAPI's JSON error bodies (the API issue shapes them further); every
other path gets ``error.html`` with a search box and the way back. Unexpected exceptions are
logged with their traceback and answered with a plain 500 page.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from dailypapers.papers.listing import InvalidPeriod
from dailypapers.web.auth import SignInRequired, sign_in_url, viewer
from dailypapers.web.csrf import CsrfFailed
from dailypapers.web.templating import render

log = logging.getLogger(__name__)

TITLES = {
    400: "That request doesn’t look right",
    403: "Not allowed",
    404: "Page not found",
    405: "Not allowed here",
    413: "Too large",
    422: "That request doesn’t look right",
    429: "Slow down",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


async def error_page(request: Request, status_code: int, message: str, *,
                     title: str | None = None, q: str = "", action: dict | None = None,
                     headers: dict[str, str] | None = None) -> Response:
    """The error page, with the header showing who is signed in."""
    await viewer(request)
    return render_error(request, status_code, message, title=title, q=q, action=action,
                        headers=headers)


def render_error(request: Request, status_code: int, message: str, *, title: str | None = None,
                 q: str = "", action: dict | None = None,
                 headers: dict[str, str] | None = None) -> Response:
    """The error page, for routes that already loaded the user (no I/O)."""
    return render(request, "error.html", {
        "status_code": status_code,
        "title": title or TITLES.get(status_code, "Something went wrong"),
        "message": message, "q": q, "action": action,
    }, status_code=status_code, headers=headers)


async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if is_api(request):
        return await http_exception_handler(request, exc)
    q = ""
    if exc.status_code == 404:
        message = "There is no page at this address. It may have moved, or the link has a typo."
        if request.url.path.startswith("/papers/"):
            # /papers/<something that is no arXiv id>: offer to search for it.
            q = request.url.path.removeprefix("/papers/")[:200]
            message = (f"“{q}” is not an arXiv id we can look up (ids look like 2406.12345 or "
                       "hep-th/9901001). Search for it instead:")
    elif exc.status_code == 405:
        message = "This address does not answer that kind of request."
    else:
        message = exc.detail if isinstance(exc.detail, str) else "The request could not be served."
    return await error_page(request, exc.status_code, message, q=q,
                            headers=getattr(exc, "headers", None))


async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    if is_api(request):
        return await request_validation_exception_handler(request, exc)
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) for e in exc.errors()})
    message = "Some parameters are missing or malformed"
    message += f": {', '.join(f for f in fields if f)}." if any(fields) else "."
    return await error_page(request, 400, message)


async def _invalid_period(request: Request, exc: InvalidPeriod) -> Response:
    if is_api(request):
        return JSONResponse({"detail": str(exc)}, status_code=400)
    message = str(exc)
    return await error_page(request, 404, message[0].upper() + message[1:] + ".",
                      title="No such day, week or month",
                      action={"href": "/papers", "text": "Latest papers"})


async def _sign_in_required(request: Request, exc: SignInRequired) -> Response:
    target = sign_in_url(exc.next_url)
    if request.headers.get("hx-request"):
        # htmx follows HX-Redirect with a full page load (a 303 would be swapped in place).
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _csrf_failed(request: Request, exc: CsrfFailed) -> Response:
    return await error_page(
        request, 403,
        "This form has expired or did not come from this site, so nothing was changed. "
        "Go back, reload the page and try again.",
        title="Form expired",
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api(request):
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)
    try:
        return await error_page(request, 500, "Something broke on our side while making this page. "
                          "It has been logged; please try again in a moment.",
                          title="Something went wrong")
    except Exception:  # the error page itself failed (e.g. a template problem)
        return Response("Something went wrong on our side. Please try again later.",
                        status_code=500, media_type="text/plain")


def install(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(InvalidPeriod, _invalid_period)
    app.add_exception_handler(SignInRequired, _sign_in_required)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    app.add_exception_handler(Exception, _server_error)
