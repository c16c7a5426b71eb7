"""Claims of author names over HTTP: "This is me" on an author's page (``POST /claims``),
taking a claim back, and the admins' page (``/admin/claims``) that approves, rejects and revokes
them. Every action is a CSRF form of a signed-in account; a refusal is an error page saying why
(4xx), never a 5xx. A non-admin on the admin routes gets 403."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.authors import claims, pages
from dailypapers.web.plumbing.auth import ActingUser, NextField, SignInRequired, safe_next, viewer
from dailypapers.web.plumbing.errors import error_page, render_error
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)

ClaimId = Path(ge=1, le=2**62)
# What each refusal answers: the input cannot be claimed (400), the account may not (403),
# nothing is there (404), or the claim's state or the name's holder stands in the way (409).
STATUS = {
    pages.InvalidName: 400,
    claims.AmbiguousName: 400,
    claims.InvalidReason: 400,
    claims.Unverified: 403,
    claims.NotAdmin: 403,
    claims.NotAnAuthor: 404,
    claims.NoSuchClaim: 404,
}
CONFLICT = 409


def _refused(request: Request, refusal: Exception) -> Response:
    status = next((s for kind, s in STATUS.items() if isinstance(refusal, kind)), CONFLICT)
    message = str(refusal)
    if isinstance(refusal, pages.InvalidName):
        message = f"That is not a name: {refusal}."
    return render_error(request, status, message, title="Not claimed")


def author_path(name: str) -> str:
    return "/authors/" + quote(name, safe="")


@router.post("/claims")
async def claim(
    request: Request,
    user: ActingUser,
    name: str = Form(..., max_length=pages.MAX_NAME_LENGTH),
    next: NextField = "",
) -> Response:
    def run() -> Response:
        try:
            made = claims.claim(request.app.state.db, user, name)
        except (claims.ClaimRefused, pages.InvalidName) as refusal:
            return _refused(request, refusal)
        return RedirectResponse(safe_next(next, author_path(made.name)), status_code=303)

    return await run_in_threadpool(run)


@router.post("/claims/{claim_id}/withdraw")
async def withdraw(
    request: Request, user: ActingUser, claim_id: int = ClaimId, next: NextField = ""
) -> Response:
    def run() -> Response:
        try:
            taken_back = claims.withdraw(request.app.state.db, user, claim_id)
        except claims.ClaimRefused as refusal:
            return _refused(request, refusal)
        return RedirectResponse(safe_next(next, author_path(taken_back.name)), status_code=303)

    return await run_in_threadpool(run)


@router.get("/admin/claims")
async def admin_claims(request: Request, user: User | None = Depends(viewer)) -> Response:
    if user is None:
        raise SignInRequired("/admin/claims")
    if not user.is_admin:
        return await error_page(request, 403, "Only the site's admins decide claims.")

    def run() -> Response:
        pending, approved = claims.queue(request.app.state.db, user)
        return render(
            request,
            "admin_claims.html",
            {"pending": pending, "approved": approved, "claims": claims},
        )

    return await run_in_threadpool(run)


@router.post("/admin/claims/{claim_id}/approve")
async def approve(request: Request, user: ActingUser, claim_id: int = ClaimId) -> Response:
    state = request.app.state
    return await _decide(
        request, lambda: claims.approve(state.db, user, claim_id, settings=state.settings)
    )


@router.post("/admin/claims/{claim_id}/{verdict}")
async def decide(
    request: Request,
    user: ActingUser,
    verdict: claims.Verdict,
    claim_id: int = ClaimId,
    reason: str = Form("", max_length=claims.MAX_REASON * 2),
) -> Response:
    """Reject a pending claim or revoke an approved one, with the reason the claimant is told."""
    state = request.app.state
    return await _decide(
        request,
        lambda: claims.decide(state.db, user, claim_id, verdict, reason, settings=state.settings),
    )


async def _decide(request: Request, decision: Callable[[], object]) -> Response:
    """Run an admin's decision in the thread pool; back to the claims page, or why not."""

    def run() -> Response:
        try:
            decision()
        except claims.ClaimRefused as refusal:
            return _refused(request, refusal)
        return RedirectResponse("/admin/claims", status_code=303)

    return await run_in_threadpool(run)
