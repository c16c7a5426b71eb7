"""Commenting on a paper, replying, and deleting one's own comment.

With htmx an action answers with the fragment to swap in (the new comment, a "deleted" note);
without JavaScript it redirects back to the thread. A refused comment shows the form again with
the error next to it and the text kept (422).
"""

from __future__ import annotations

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.papers import discussion, voting
from dailypapers.web.pages.paper import paper_response
from dailypapers.web.plumbing.auth import ActingUser, OnPaper, is_htmx
from dailypapers.web.plumbing.errors import error_page, no_paper_page
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.routing import ARXIV_ID

router = APIRouter(include_in_schema=False)


@router.post(f"/papers/{ARXIV_ID}/comments")
async def comment(
    on: OnPaper,
    body: str = Form("", max_length=20_000),
    parent_id: int | None = Form(None, ge=1, le=2**62),
) -> Response:
    request, user, arxiv_id = on.request, on.user, on.arxiv_id
    db = request.app.state.db
    try:
        posted = await run_in_threadpool(discussion.post, db, user.id, arxiv_id, body, parent_id)
    except discussion.PaperNotFound:
        return await no_paper_page(on, "comment on")
    except discussion.InvalidComment as error:
        return await run_in_threadpool(
            _comment_refused, request, user, arxiv_id, body, parent_id, str(error)
        )
    key = voting.resolve_id(arxiv_id)
    if is_htmx(request):
        count = await run_in_threadpool(discussion.count, db, posted.paper_id)
        return render(
            request,
            "_comment.html",
            {
                "node": discussion.Node(posted),
                "paper": {"arxiv_id": key},
                "comment_count": count,
            },
        )
    return RedirectResponse(f"/papers/{key}#comment-{posted.id}", status_code=303)


@router.post("/comments/{comment_id}/delete")
async def delete_comment(
    request: Request, user: ActingUser, comment_id: int = Path(ge=1, le=2**62)
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
    request: Request, user: User, arxiv_id: str, body: str, parent_id: int | None, message: str
) -> Response:
    """The form again, with the error next to it and the text kept (status 422)."""
    key = voting.resolve_id(arxiv_id)
    if is_htmx(request):
        form_id = f"reply-{parent_id}" if parent_id else "comment-form"
        return render(
            request,
            "_comment_form.html",
            {
                "paper": {"arxiv_id": key},
                "parent_id": parent_id,
                "body": body,
                "error": message,
                "form_id": form_id,
            },
            status_code=422,
            headers={"HX-Retarget": f"#{form_id}", "HX-Reswap": "outerHTML"},
        )
    form_error = {"parent_id": parent_id, "body": body, "message": message}
    return paper_response(request, user, key, form_error=form_error, status_code=422)
