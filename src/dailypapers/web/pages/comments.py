"""Commenting on a paper, replying, and deleting one's own comment.

With htmx an action answers with the fragment to swap in (the new comment, a "deleted" note);
without JavaScript it redirects back to the page of the discussion that shows it. A refused
comment shows the form again with the error next to it and the text kept (422; 429 with
``Retry-After`` when its author posted too many lately).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.papers import discussion, threads, voting
from dailypapers.web.pages.paper import MAX_ID, paper_response
from dailypapers.web.plumbing.auth import ActingUser, OnPaper, is_htmx
from dailypapers.web.plumbing.errors import error_page, no_paper_page
from dailypapers.web.plumbing.rate_limit import retry_after_header
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.routing import ARXIV_ID

router = APIRouter(include_in_schema=False)

# The ids of the forms a comment can come from (htmx names the one it submitted).
FORM_ID = re.compile(r"comment-form|reply-[1-9][0-9]{0,18}")


@router.post(f"/papers/{ARXIV_ID}/comments")
async def comment(
    on: OnPaper,
    body: str = Form("", max_length=20_000),
    parent_id: int | None = Form(None, ge=1, le=MAX_ID),
) -> Response:
    request, user, arxiv_id = on.request, on.user, on.arxiv_id
    db = request.app.state.db
    try:
        posted = await run_in_threadpool(discussion.post, db, user.id, arxiv_id, body, parent_id)
    except discussion.PaperNotFound:
        return await no_paper_page(on, "comment on")
    except (discussion.InvalidComment, discussion.TooManyComments) as error:
        return await run_in_threadpool(
            _comment_refused, request, user, arxiv_id, body, parent_id, error
        )
    key = voting.resolve_id(arxiv_id)
    if is_htmx(request):
        count = await run_in_threadpool(discussion.count, db, posted.paper_id)
        return render(
            request,
            "_comment.html",
            {
                "entry": threads.entry_of(posted),
                "paper": {"arxiv_id": key},
                "comment_count": count,
            },
        )
    place = await run_in_threadpool(discussion.place, db, posted.id)
    return RedirectResponse(f"/papers/{key}{_query_of(place)}#comment-{posted.id}", status_code=303)


def _query_of(place: threads.Place) -> str:
    """The paper page's query string that shows ``place``."""
    if place.thread_id is not None:
        return f"?thread={place.thread_id}" + (f"&comments={place.page}" if place.page > 1 else "")
    return f"?comments={place.page}" if place.page > 1 else ""


@router.post("/comments/{comment_id}/delete")
async def delete_comment(
    request: Request, user: ActingUser, comment_id: int = Path(ge=1, le=MAX_ID)
) -> Response:
    try:
        deleted = await run_in_threadpool(discussion.delete, request.app.state.db, user, comment_id)
    except discussion.CommentNotFound:
        return await error_page(
            request, 404, "There is no such comment: it may have been deleted with its paper."
        )
    except discussion.NotYours:
        return await error_page(request, 403, "Only its author can delete a comment.")
    if is_htmx(request):
        return render(request, "_comment_deleted.html", {"comment_count": deleted.comment_count})
    return RedirectResponse(f"/papers/{deleted.arxiv_id}#discussion", status_code=303)


def _comment_refused(
    request: Request,
    user: User,
    arxiv_id: str,
    body: str,
    parent_id: int | None,
    error: discussion.InvalidComment | discussion.TooManyComments,
) -> Response:
    """The form again, with the error next to it and the text kept (status 422, or 429)."""
    key = voting.resolve_id(arxiv_id)
    status, headers = 422, {}
    if isinstance(error, discussion.TooManyComments):
        status, headers = 429, {"Retry-After": retry_after_header(error.retry_after)}
    if is_htmx(request):
        form_id = request.headers.get("hx-trigger", "")
        if not FORM_ID.fullmatch(form_id):
            form_id = f"reply-{parent_id}" if parent_id else "comment-form"
        context = {
            "paper": {"arxiv_id": key},
            "parent_id": parent_id,
            "body": body,
            "error": str(error),
            "form_id": form_id,
        }
        headers |= {"HX-Retarget": f"#{form_id}", "HX-Reswap": "outerHTML"}
        return render(request, "_comment_form.html", context, status_code=status, headers=headers)
    form_error = {"parent_id": parent_id, "body": body, "message": str(error)}
    return paper_response(
        request, user, key, form_error=form_error, status_code=status, headers=headers
    )
