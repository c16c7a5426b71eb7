"""The admin's view of mail that needs attention (``/admin/digests``): mails by state, the failed
and unconfirmed ones, and a button to queue one again with its Message-ID."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.digest import outbox
from dailypapers.web.plumbing.auth import ActingUser, SignInRequired, viewer
from dailypapers.web.plumbing.errors import error_page
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/admin/digests")
async def admin_digests(request: Request, user: User | None = Depends(viewer)) -> Response:
    if user is None:
        raise SignInRequired("/admin/digests")
    if not user.is_admin:
        return await error_page(request, 403, "Only the site's admins can see the outbox.")
    seen = await run_in_threadpool(outbox.overview, request.app.state.db)
    return render(request, "digest/admin.html", {"counts": seen.counts, "problems": seen.problems})


@router.post("/admin/digests/resend")
async def admin_resend(
    request: Request, user: ActingUser, outbox_id: int = Form(..., ge=1, le=2**62)
) -> Response:
    if not user.is_admin:
        return await error_page(request, 403, "Only the site's admins can resend mail.")
    await run_in_threadpool(outbox.requeue, request.app.state.db, [outbox_id])
    return RedirectResponse("/admin/digests", status_code=303)
