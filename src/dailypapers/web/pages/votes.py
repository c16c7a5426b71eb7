"""Upvoting a paper from any card or page (``POST /papers/{id}/vote``).

With htmx (``HX-Request``) the answer is the new vote button to swap in; without JavaScript the
reader is sent back (303) to where they were.
"""

from __future__ import annotations

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.papers import voting
from dailypapers.web.plumbing.auth import NextField, OnPaper, is_htmx, safe_next
from dailypapers.web.plumbing.errors import no_paper_page
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.routing import ARXIV_ID

router = APIRouter(include_in_schema=False)


@router.post(f"/papers/{ARXIV_ID}/vote")
async def vote(on: OnPaper, vote: str = Form("up", max_length=8), next: NextField = "") -> Response:
    act = voting.unvote if vote == "none" else voting.upvote
    request = on.request
    try:
        state = await run_in_threadpool(act, request.app.state.db, on.user.id, on.arxiv_id)
    except voting.PaperNotFound:
        return await no_paper_page(on, "vote on")
    back = safe_next(next, default=f"/papers/{state.arxiv_id}")
    if is_htmx(request):
        return render(request, "_vote.html", {"state": state, "next_url": back.split("#")[0]})
    return RedirectResponse(back, status_code=303)
