"""A signed-in reader's "for you" list, and the marks and alerts that shape it.

``/for-you`` ranks recent papers by what the reader upvoted and saved; "save" and "not
interested" marks (``POST /papers/{id}/mark``) steer it; ``POST /search/alerts`` keeps a search
as an alert whose new matches the digest carries.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.digest import account, marks, personal
from dailypapers.papers.voting import PaperNotFound
from dailypapers.web.plumbing.auth import (
    ActingUser,
    NextField,
    OnPaper,
    SignInRequired,
    safe_next,
    viewer,
)
from dailypapers.web.plumbing.errors import error_page, no_paper_page
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.routing import ARXIV_ID

router = APIRouter(include_in_schema=False)

MARKS = {"saved": "saved", "not_interested": "not_interested", "none": None}
SHOWN = 30  # papers on the page


@router.get("/for-you")
async def for_you(request: Request, user: User | None = Depends(viewer)) -> Response:
    if user is None:
        raise SignInRequired("/for-you")
    state = request.app.state
    items, notice = await run_in_threadpool(
        personal.for_user, state.db, state.settings, user, limit=SHOWN
    )
    return render(
        request,
        "digest/for_you.html",
        {"items": items, "notice": notice, "section": "for-you", "next_url": "/for-you"},
    )


@router.post(f"/papers/{ARXIV_ID}/mark")
async def mark(on: OnPaper, kind: str = Form("", max_length=20), next: NextField = "") -> Response:
    if kind not in MARKS:
        return await error_page(on.request, 400, "Mark a paper as saved or not interested.")
    db = on.request.app.state.db
    try:
        await run_in_threadpool(marks.set_mark, db, on.user, on.arxiv_id, MARKS[kind])
    except PaperNotFound:
        return await no_paper_page(on, "mark")
    return RedirectResponse(safe_next(next, default="/for-you"), status_code=303)


class SearchForm(BaseModel):
    """A search as the search page's "keep as an alert" form sends it."""

    q: str = Field("", max_length=500)
    mode: str = Field("", max_length=16)
    category: str = Field("", max_length=32)


@router.post("/search/alerts")
async def save_search(
    request: Request, user: ActingUser, search: Annotated[SearchForm, Form()]
) -> Response:
    """Keep a search as an alert: its new matches go in the reader's next digest."""
    query = search.q.strip()
    if not query:
        return await error_page(request, 400, "Type a search first, then save it as an alert.")
    filters = {k: v for k, v in (("mode", search.mode), ("category", search.category)) if v}
    await run_in_threadpool(account.save_alert, request.app.state.db, user, query, filters)
    return RedirectResponse("/settings/digest?saved=1#alerts", status_code=303)
