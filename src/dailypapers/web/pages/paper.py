"""A paper's page (``/papers/{arxiv_id}``): the paper, its standing in its day, similar papers,
and a page of its threaded comments (``?comments=N``; ``?thread=ID`` for one thread's own pages).
Versioned and old-style ids redirect to one address per paper.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from dailypapers import arxiv_ids
from dailypapers.accounts.records import User
from dailypapers.library import exports
from dailypapers.operations import outage
from dailypapers.papers import detail
from dailypapers.search import service
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.routing import ARXIV_ID

log = logging.getLogger(__name__)

SIMILAR = 8  # similar papers listed under a paper
MAX_PAGE = 100_000  # a page number past any discussion's last (those show the last page)
MAX_ID = 2**62  # ids are 63-bit integers in the database; larger ones name no comment

CommentPage = Annotated[int, Query(alias="comments", ge=1, le=MAX_PAGE)]
ThreadId = Annotated[int | None, Query(alias="thread", ge=1, le=MAX_ID)]


router = APIRouter(include_in_schema=False)


@router.api_route(f"/papers/{ARXIV_ID}", methods=["GET", "HEAD"])
async def paper_page(
    request: Request, arxiv_id: str, page: CommentPage = 1, thread: ThreadId = None
) -> Response:
    try:
        key = arxiv_ids.normalise(arxiv_id)
    except arxiv_ids.InvalidArxivId as error:  # shaped like an id, but e.g. month 13
        return render_error(
            request,
            404,
            f"{str(error)[0].upper()}{str(error)[1:]}.",
            q=arxiv_id,
            title="No such paper",
        )
    if key != arxiv_id:  # versioned or differently spelled: one URL per paper
        return RedirectResponse(f"/papers/{key}", 301)
    return await cached_page(
        request, lambda user: paper_response(request, user, key, page=page, thread=thread)
    )


def paper_response(
    request: Request,
    user: User | None,
    key: str,
    *,
    page: int = 1,
    thread: int | None = None,
    form_error: dict | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """The paper page with page ``page`` of its discussion (or of thread ``thread``). The
    comment action shows it again with a form error: then the page with the comment replied
    to. Blocking."""
    view = detail.load(
        request.app.state.db,
        key,
        user_id=user.id if user else None,
        page=page,
        thread=thread,
        showing=form_error.get("parent_id") if form_error else None,
    )
    if view is None:
        action = {"href": f"/submit?paper={key}", "text": f"Submit {key} from arXiv"}
        return render_error(
            request,
            404,
            f"This site has no paper {key} yet. If it is on "
            "arXiv, you can submit it to today’s feed.",
            q=key,
            title="Paper not found",
            action=action,
        )
    shown = {entry.comment.id for entry in view.discussion.entries}
    if form_error and form_error.get("parent_id") not in shown:
        form_error = {**form_error, "parent_id": None}  # no reply form for it: the main one
    context = {
        "view": view,
        "form_error": form_error,
        "similar": _similar(request, view.paper.id),
        "submitted": request.query_params.get("submitted") == "1",
        "citation": exports.bibtex_of(view.paper),
    }
    return render(request, "paper.html", context, status_code=status_code, headers=headers)


def _similar(request: Request, paper_id: int) -> list[service.SearchItem]:
    try:
        return service.similar_papers(
            request.app.state.db, request.app.state.settings, paper_id, k=SIMILAR
        )
    except Exception as error:  # a missing or broken index must not take the paper page down
        if outage.noticed(request.app.state.db, error):
            raise  # no database: the whole page is the outage's 503, not a traceback here
        log.exception("similar papers failed for paper %s", paper_id)
        return []
