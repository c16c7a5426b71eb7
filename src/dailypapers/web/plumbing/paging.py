"""The answer to a page number past the last page of a list: a 404 that says how many pages
there are and links to the first one (a page past the end is a link gone stale, not an error of
the reader's to fix by hand)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from dailypapers.web.plumbing.errors import render_error


def past_the_end(request: Request, message: str, first_page: str | None = None) -> Response:
    """The 404 page saying ``message``, with a link to ``first_page`` (this path, unless told)."""
    action = {"href": first_page or request.url.path, "text": "First page"}
    return render_error(request, 404, message, action=action)
