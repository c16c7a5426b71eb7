"""Watching papers: ``/watching`` lists the reader's watched papers and what changed on them,
``POST /papers/{id}/watch`` (``watch`` "on" or "off") watches or unwatches one, and
``GET /papers/{id}/watch`` is the paper page's button in the reader's state (the page itself is
the same for everyone, so htmx asks for it). With htmx a post answers the new button; without
JavaScript the reader is sent back (303) to where they were."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.watching import service
from dailypapers.watching.records import NoSuchPaper, TooManyWatches
from dailypapers.web.plumbing.auth import NextField, OnPaper, SignedIn, is_htmx, safe_next
from dailypapers.web.plumbing.errors import no_paper_page, render_error
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.routing import ARXIV_ID

router = APIRouter(include_in_schema=False)


@router.api_route("/watching", methods=["GET", "HEAD"])
async def watching_page(request: Request, user: SignedIn) -> Response:
    def build() -> Response:
        watches, changes = service.changes(request.app.state.db, user)
        context = {"watches": watches, "changes": changes, "limit": service.MAX_WATCHES_PER_USER}
        return render(request, "watching/page.html", context, headers=NO_STORE)

    return await run_in_threadpool(build)


def _button(request: Request, arxiv_id: str, watching: bool) -> Response:
    context = {"arxiv_id": arxiv_id, "watching": watching}
    return render(request, "watching/_button.html", context, headers=NO_STORE)


@router.get(f"/papers/{ARXIV_ID}/watch")
async def watch_button(request: Request, arxiv_id: str, user: SignedIn) -> Response:
    def build(reader: User) -> Response:
        try:
            watching = service.is_watching(request.app.state.db, reader, arxiv_id)
        except NoSuchPaper:
            return render_error(request, 404, f"There is no paper {arxiv_id[:40]} to watch.")
        return _button(request, arxiv_id, watching)

    return await run_in_threadpool(build, user)


@router.post(f"/papers/{ARXIV_ID}/watch")
async def watch(
    on: OnPaper, watch: str = Form("on", max_length=8), next: NextField = ""
) -> Response:
    request = on.request
    act = service.unwatch if watch == "off" else service.watch
    try:
        watching = await run_in_threadpool(act, request.app.state.db, on.user, on.arxiv_id)
    except NoSuchPaper:
        return await no_paper_page(on, "watch")
    except TooManyWatches as error:
        return render_error(request, 400, f"{str(error).capitalize()}.")
    if is_htmx(request):
        return _button(request, on.arxiv_id, watching)
    return RedirectResponse(safe_next(next, default=f"/papers/{on.arxiv_id}"), status_code=303)
