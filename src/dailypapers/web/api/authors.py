"""``GET /api/authors/{name}``: an author's papers as JSON, the page ``/authors/{name}`` shows."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from dailypapers.authors import pages
from dailypapers.web.api.auth import AnyCaller
from dailypapers.web.api.models import AuthorPapers
from dailypapers.web.api.papers import json_answer
from dailypapers.web.api.shapes import dumps
from dailypapers.web.plumbing.errors import bad_request, not_found, responses
from dailypapers.web.plumbing.text import clipped

router = APIRouter(prefix="/api", tags=["authors"])

SHOWN_IN_ERRORS = 200  # characters of a name an error repeats
AuthorName = Annotated[
    str,
    Path(
        max_length=pages.MAX_NAME_LENGTH,
        description="The name in any usual spelling: `Balázs Kégl`, `Bal\\'azs Kégl`, "
        "`Kégl, Balázs`; initials (`B. Kégl`) where only one stored author fits them.",
        examples=["Li Dong"],
    ),
]
Page = Annotated[int, Query(ge=1, le=pages.MAX_PAGE, description="Page, from 1.")]


@router.get(
    "/authors/{name:path}",
    response_model=AuthorPapers,
    responses=responses(400, 401, 404, 429),
    summary="An author's papers, newest first",
)
async def author(request: Request, who: AnyCaller, name: AuthorName, page: Page = 1) -> Response:
    """Every stored paper with an author of that name, 30 a page; with the name's spellings,
    its co-authors and categories, and the other authors it could mean. A page past the end has
    no papers."""
    db, shaper = request.app.state.db, request.app.state.api_shaper
    quoted = clipped(name, SHOWN_IN_ERRORS)

    def compute() -> tuple[bytes, dict[str, str]]:
        try:
            found = pages.author_page(db, name, page=page)
        except pages.InvalidName as error:
            raise bad_request("name", str(error)) from None
        if found is None:
            raise not_found("name", f"no stored paper has an author called {quoted!r}")
        return dumps(shaper.author(found)), {}

    return await json_answer(request, compute)
