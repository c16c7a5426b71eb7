"""A paper's page (``/papers/{arxiv_id}``): the paper, its standing in its day, similar papers,
and its threaded comments. Versioned and old-style ids redirect to one address per paper.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from dailypapers import arxiv_ids
from dailypapers.accounts.records import User
from dailypapers.papers import detail
from dailypapers.search import service
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.routing import ARXIV_ID

log = logging.getLogger(__name__)

SIMILAR = 8  # similar papers listed under a paper


router = APIRouter(include_in_schema=False)


@router.api_route(f"/papers/{ARXIV_ID}", methods=["GET", "HEAD"])
async def paper_page(request: Request, arxiv_id: str) -> Response:
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
    return await cached_page(request, lambda user: paper_response(request, user, key))


def paper_response(
    request: Request,
    user: User | None,
    key: str,
    *,
    form_error: dict | None = None,
    status_code: int = 200,
) -> Response:
    """The paper page (also shown again by the comment action with a form error). Blocking."""
    view = detail.load(request.app.state.db, key, user_id=user.id if user else None)
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
    context = {
        "view": view,
        "form_error": form_error,
        "similar": _similar(request, view.paper.id),
        "submitted": request.query_params.get("submitted") == "1",
    }
    return render(request, "paper.html", context, status_code=status_code)


def _similar(request: Request, paper_id: int) -> list[service.SearchItem]:
    try:
        return service.similar_papers(
            request.app.state.db, request.app.state.settings, paper_id, k=SIMILAR
        )
    except Exception:  # a missing or broken index must not take the paper page down
        log.exception("similar papers failed for paper %s", paper_id)
        return []
