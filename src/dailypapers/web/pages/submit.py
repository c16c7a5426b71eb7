"""Submitting a paper to today's feed by arXiv id or URL (``/submit``)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.papers import submissions
from dailypapers.web.plumbing.auth import ActingUser, SignedIn
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)

# A refused submission's reason -> the page's status.
STATUS = {"limit": 429, "lookup": 429, "duplicate": 409, "upstream": 502}


@router.api_route("/submit", methods=["GET", "HEAD"])
async def submit_form(
    request: Request, user: SignedIn, paper: str = Query("", max_length=300)
) -> Response:
    return await run_in_threadpool(_page, request, user, paper, {}, None, 200)


@router.post("/submit")
async def submit(
    request: Request, user: ActingUser, paper: str = Form("", max_length=300)
) -> Response:
    state = request.app.state
    try:
        done = await run_in_threadpool(
            submissions.submit, state.db, state.settings, user.id, paper, pipeline=state.pipeline
        )
    except submissions.SubmissionError as error:
        existing = error.arxiv_id if error.code == "duplicate" else None
        return await run_in_threadpool(
            _page,
            request,
            user,
            paper,
            {"paper": str(error)},
            existing,
            STATUS.get(error.code, 400),
        )
    return RedirectResponse(f"/papers/{done.arxiv_id}?submitted=1", status_code=303)


def _page(
    request: Request,
    user: User,
    paper: str,
    errors: dict[str, str],
    existing: str | None,
    status_code: int,
) -> Response:
    settings = request.app.state.settings
    today = datetime.now(UTC).date()
    remaining = submissions.remaining_today(request.app.state.db, settings, user.id, today)
    return render(
        request,
        "submit.html",
        {
            "section": "submit",
            "values": {"paper": paper},
            "errors": errors,
            "existing": existing,
            "today": today,
            "limit": settings.submissions_per_day,
            "remaining": remaining,
        },
        status_code=status_code,
    )
