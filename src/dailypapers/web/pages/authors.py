"""``/authors/{name}``: an author's page, every stored paper with an author of that name.

The name is the whole rest of the path (a name may hold "/", which links send as ``%2F``). A
name that resolves to nobody is a 404 that says so; a name no author can have is a 400.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dailypapers.accounts.records import User
from dailypapers.authors import pages
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.paging import past_the_end
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.text import clipped

router = APIRouter(include_in_schema=False)

SHOWN_IN_MESSAGES = 200  # characters of a name an error message repeats


@router.api_route("/authors/{name:path}", methods=["GET", "HEAD"])
async def author_page(
    request: Request, name: str, page: int = Query(1, ge=1, le=pages.MAX_PAGE)
) -> Response:
    shown = clipped(name, SHOWN_IN_MESSAGES)

    def build(user: User | None) -> Response:
        try:
            found = pages.author_page(
                request.app.state.db, name, page=page, viewer_id=user.id if user else None
            )
        except pages.InvalidName as error:
            return render_error(request, 400, f"“{shown}” is not a name: {error}.")
        if found is None:
            return render_error(
                request,
                404,
                f"No stored paper has an author called “{shown}”.",
                title="Author not found",
                q=shown,
            )
        if page > found.pages:
            return past_the_end(request, f"{found.name} has {found.pages} page(s) of papers.")
        return render(request, "authors.html", {"author": found})

    return await cached_page(request, build)
