"""A signed-in reader's "for you" list, and the marks, feedback and alerts that shape it.

``/for-you`` shows what is new for the reader and the best of the archive, each with its
reason; "save" and "not interested" marks (``POST /papers/{id}/mark``) and 👍/👎
(``POST /papers/{id}/feedback``, htmx or a plain form) steer it. The digest's 👍/👎 links open
``GET /feedback/{token}``, which changes nothing and shows the button that POSTs: the signed
token is the credential (no session, no CSRF token), as on the other mail-link pages.
``POST /search/alerts`` keeps a search as an alert whose new matches the digest carries.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.digest import account
from dailypapers.papers.voting import PaperNotFound
from dailypapers.recommend import feedback, for_you
from dailypapers.web.plumbing import csrf
from dailypapers.web.plumbing.auth import (
    ActingUser,
    NextField,
    OnPaper,
    SignInRequired,
    is_htmx,
    safe_next,
    user_of,
    viewer,
)
from dailypapers.web.plumbing.errors import error_page, no_paper_page
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.routing import ARXIV_ID

router = APIRouter(include_in_schema=False)

MARKS = {"saved": "saved", "not_interested": "not_interested", "none": None}
SHOWN = 15  # papers in each part of the page


@router.get("/for-you")
async def for_you_page(request: Request, user: User | None = Depends(viewer)) -> Response:
    if user is None:
        raise SignInRequired("/for-you")
    state = request.app.state
    found = await run_in_threadpool(for_you.for_user, state.db, state.settings, user, limit=SHOWN)
    return render(
        request,
        "digest/for_you.html",
        {"found": found, "section": "for-you", "next_url": "/for-you"},
    )


@router.post(f"/papers/{ARXIV_ID}/feedback")
async def give_feedback(
    on: OnPaper, choice: str = Form("", max_length=20), next: NextField = ""
) -> Response:
    """👍 ("liked"), 👎 ("disliked") or neither ("none") on a recommended paper."""
    if choice not in feedback.CHOICES:
        return await error_page(on.request, 400, "Choose 👍 or 👎 for a paper.")
    db = on.request.app.state.db
    try:
        await run_in_threadpool(feedback.record, db, on.user, on.arxiv_id, choice)
    except PaperNotFound:
        return await no_paper_page(on, "give feedback on")
    if is_htmx(on.request):
        return render(
            on.request, "digest/_feedback.html", {"arxiv_id": on.arxiv_id, "choice": choice}
        )
    return RedirectResponse(safe_next(next, default="/for-you"), status_code=303)


@router.get("/feedback/{token}", response_class=HTMLResponse)
def feedback_link(request: Request, token: str) -> HTMLResponse:
    """A digest's 👍/👎 link: what it would record, and the button. Records nothing."""
    state = request.app.state
    try:
        link = feedback.read_link(state.db, state.settings, token)
    except feedback.FeedbackLinkInvalid as error:
        return _bad_feedback_link(request, str(error))
    return render(request, "digest/feedback_link.html", {"link": link, "token": token})


@router.post("/feedback/{token}", response_class=HTMLResponse)
@csrf.exempt
def feedback_from_link(request: Request, token: str) -> HTMLResponse:
    state = request.app.state
    try:
        link = feedback.record_from_link(state.db, state.settings, token, user_of(request))
    except feedback.FeedbackLinkInvalid as error:
        return _bad_feedback_link(request, str(error))
    except feedback.NotYourLink as error:
        return _bad_feedback_link(request, str(error), status_code=403)
    context = {"link": link, "token": token, "recorded": True}
    return render(request, "digest/feedback_link.html", context)


def _bad_feedback_link(request: Request, reason: str, status_code: int = 400) -> HTMLResponse:
    context = {"error": reason}
    return render(request, "digest/feedback_link.html", context, status_code=status_code)


@router.post(f"/papers/{ARXIV_ID}/mark")
async def mark(on: OnPaper, kind: str = Form("", max_length=20), next: NextField = "") -> Response:
    if kind not in MARKS:
        return await error_page(on.request, 400, "Mark a paper as saved or not interested.")
    db = on.request.app.state.db
    try:
        await run_in_threadpool(feedback.set_mark, db, on.user, on.arxiv_id, MARKS[kind])
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
