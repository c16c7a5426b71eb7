"""What signed-in readers do: upvote, comment and reply, delete their comment, submit a paper.

Every action is a POST guarded by ``auth.acting_user`` (signed in, else off to sign in and back;
then the CSRF token). With htmx (``HX-Request``) an action answers with the fragment to swap in:
the vote button, the new comment; without JavaScript it redirects back (303) to where the reader
was. The work itself is done by plain functions (:mod:`dailypapers.voting`,
:mod:`dailypapers.discussion`, :mod:`dailypapers.submissions`) that the JSON API calls too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.papers import discussion
from dailypapers.papers import submissions
from dailypapers.papers import voting
from dailypapers.store import comments as comment_store
from dailypapers.web.auth import SignInRequired, acting_user, return_to, safe_next, viewer
from dailypapers.web.errors import error_page
from dailypapers.web.pages import paper_response
from dailypapers.web.templating import render

router = APIRouter(include_in_schema=False)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


# -- votes ----------------------------------------------------------------------------------------


@router.post("/papers/{arxiv_id:arxiv_id}/vote")
async def vote(request: Request, arxiv_id: str, user: dict = Depends(acting_user),
               vote: str = Form("up", max_length=8), next: str = Form("", max_length=2000)
               ) -> Response:
    act = voting.unvote if vote == "none" else voting.upvote
    try:
        state = await run_in_threadpool(act, request.app.state.db, user["id"], arxiv_id)
    except voting.PaperNotFound:
        return await error_page(request, 404, f"There is no paper {arxiv_id} to vote on.",
                                q=arxiv_id)
    back = safe_next(next, default=f"/papers/{state.arxiv_id}")
    if _is_htmx(request):
        return render(request, "_vote.html", {"state": state, "next_url": back.split("#")[0]})
    return RedirectResponse(back, status_code=303)


# -- comments -------------------------------------------------------------------------------------


@router.post("/papers/{arxiv_id:arxiv_id}/comments")
async def comment(request: Request, arxiv_id: str, user: dict = Depends(acting_user),
                  body: str = Form("", max_length=20_000),
                  parent_id: int | None = Form(None)) -> Response:
    db = request.app.state.db
    try:
        posted = await run_in_threadpool(discussion.post, db, user["id"], arxiv_id, body,
                                         parent_id)
    except discussion.PaperNotFound:
        return await error_page(request, 404, f"There is no paper {arxiv_id} to comment on.",
                                q=arxiv_id)
    except discussion.InvalidComment as error:
        return await run_in_threadpool(_comment_refused, request, user, arxiv_id, body,
                                       parent_id, str(error))
    if _is_htmx(request):
        count = await run_in_threadpool(_comment_count, db, posted["paper_id"])
        paper = {"arxiv_id": voting.resolve_id(arxiv_id)}
        return render(request, "_comment.html", {
            "node": discussion.Node(posted), "paper": paper, "comment_count": count,
        })
    return RedirectResponse(f"/papers/{voting.resolve_id(arxiv_id)}#comment-{posted['id']}",
                            status_code=303)


@router.post("/comments/{comment_id}/delete")
async def delete_comment(request: Request, comment_id: int = Path(ge=1, le=2**62),
                         user: dict = Depends(acting_user)) -> Response:
    db = request.app.state.db
    try:
        deleted = await run_in_threadpool(discussion.delete, db, user, comment_id)
    except discussion.CommentNotFound:
        return await error_page(request, 404, "There is no such comment: it may have been "
                                "deleted with its paper.")
    except discussion.NotYours:
        return await error_page(request, 403, "Only its author can delete a comment.")
    if _is_htmx(request):
        count = await run_in_threadpool(_comment_count, db, deleted["paper_id"])
        return render(request, "_comment_deleted.html", {"comment_count": count})
    return RedirectResponse(f"/papers/{deleted['arxiv_id']}#discussion", status_code=303)


def _comment_count(db, paper_id: int) -> int:  # noqa: ANN001
    with db.read() as conn:
        return comment_store.count(conn, paper_id)


def _comment_refused(request: Request, user: dict, arxiv_id: str, body: str,
                     parent_id: int | None, message: str) -> Response:
    """The form again, with the error next to it and the text kept (status 422)."""
    key = voting.resolve_id(arxiv_id)
    if _is_htmx(request):
        form_id = f"reply-{parent_id}" if parent_id else "comment-form"
        return render(request, "_comment_form.html", {
            "paper": {"arxiv_id": key}, "parent_id": parent_id, "body": body, "error": message,
            "form_id": form_id,
        }, status_code=422, headers={"HX-Retarget": f"#{form_id}", "HX-Reswap": "outerHTML"})
    form_error = {"parent_id": parent_id, "body": body, "message": message}
    return paper_response(request, user, key, form_error=form_error, status_code=422)


# -- submit ---------------------------------------------------------------------------------------


@router.api_route("/submit", methods=["GET", "HEAD"])
async def submit_form(request: Request, paper: str = Query("", max_length=300)) -> Response:
    user = await viewer(request)
    if user is None:
        raise SignInRequired(await return_to(request))
    return await run_in_threadpool(_submit_page, request, user, {"paper": paper}, {}, None, 200)


@router.post("/submit")
async def submit(request: Request, user: dict = Depends(acting_user),
                 paper: str = Form("", max_length=300)) -> Response:
    try:
        done = await run_in_threadpool(submissions.submit, request.app.state.db,
                                       request.app.state.settings, user["id"], paper,
                                       pipeline=request.app.state.pipeline)
    except submissions.SubmissionError as error:
        status = {"limit": 429, "duplicate": 409, "upstream": 502}.get(error.code, 400)
        existing = error.arxiv_id if error.code == "duplicate" else None
        return await run_in_threadpool(_submit_page, request, user, {"paper": paper},
                                       {"paper": str(error)}, existing, status)
    return RedirectResponse(f"/papers/{done.arxiv_id}?submitted=1", status_code=303)


def _submit_page(request: Request, user: dict, values: dict[str, Any], errors: dict[str, str],
                 existing: str | None, status_code: int) -> Response:
    settings = request.app.state.settings
    db = request.app.state.db
    today = datetime.now(UTC).date()
    with db.read() as conn:
        used = submissions.submitted_today(conn, user["id"], today)
    return render(request, "submit.html", {
        "section": "submit", "values": values, "errors": errors, "existing": existing,
        "today": today, "limit": settings.submissions_per_day,
        "remaining": max(settings.submissions_per_day - used, 0),
    }, status_code=status_code)
