"""How an ``/api`` route is declared: in one line, its method, path, answer, summary and the
errors of its own. Every call may also get a 401 (a bad token) and a 429 (over the rate limit):
said here once for all of them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from dailypapers.web.plumbing.errors import responses


def route(
    router: APIRouter,
    method: str,
    path: str,
    model: Any,
    summary: str,
    *errors: int,
    status_code: int | None = None,
):
    """The decorator of a route of ``router`` answering ``model`` (``None``: an empty body), or
    one of ``errors`` besides the 401 and 429 any call may get."""
    answer = {"response_model": model} if model is not None else {"response_class": Response}
    return getattr(router, method)(
        path,
        status_code=status_code,
        responses=responses(*sorted({*errors, 401, 429})),
        summary=summary,
        **answer,
    )
