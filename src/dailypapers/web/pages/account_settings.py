"""The account settings page (``/settings/account``): the address and whether it is verified
(with a rate-limited "resend"), changing the password (the current one, the new one twice; every
other browser is signed out), and signing out everywhere.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts import credentials, passwords, quotas, registration, verification
from dailypapers.accounts.records import User
from dailypapers.web.plumbing import sessions
from dailypapers.web.plumbing.auth import (
    ActingUser,
    SignedIn,
    client_ip,
)
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    user: User,
    *,
    notice: str | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    retry_after: int | None = None,
) -> Response:
    headers = dict(NO_STORE)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return render(
        request,
        "account.html",
        {"user": user, "notice": notice, "errors": errors or {}, "section": "account"},
        status_code=status_code,
        headers=headers,
    )


@router.api_route("/settings/account", methods=["GET", "HEAD"])
async def account_page(request: Request, user: SignedIn) -> Response:
    return _page(request, user)


@router.post("/settings/account/verification")
async def resend_verification(request: Request, user: ActingUser) -> Response:
    settings = request.app.state.settings
    try:
        await run_in_threadpool(verification.resend, request.app.state.db, settings, user)
    except quotas.Exceeded as exceeded:
        errors = {"email": str(exceeded)}
        return _page(
            request, user, errors=errors, status_code=429, retry_after=exceeded.retry_after
        )
    except (verification.AddressTaken, verification.AlreadyVerified) as refused:
        return _page(request, user, errors={"email": str(refused)}, status_code=409)
    return _page(request, user, notice=f"We sent a new link to {user.email}.")


@router.post("/settings/account/password")
async def change_password(
    request: Request,
    user: ActingUser,
    current: str = Form("", max_length=passwords.MAX_LENGTH),
    password: str = Form("", max_length=passwords.MAX_LENGTH + 1),
    repeated: str = Form("", max_length=passwords.MAX_LENGTH + 1),
) -> Response:
    change = partial(
        credentials.change_password,
        request.app.state.db,
        user,
        current,
        password,
        repeated,
        address=client_ip(request),
        keep_session=sessions.of(request).token_hash,
    )
    try:
        await run_in_threadpool(change)
    except registration.AccountError as error:
        return _page(request, user, errors=error.errors, status_code=400)
    except (quotas.Exceeded, passwords.Busy) as refusal:
        status = 503 if isinstance(refusal, passwords.Busy) else 429
        errors = {"current": str(refusal)}
        return _page(
            request, user, errors=errors, status_code=status, retry_after=refusal.retry_after
        )
    notice = "Your password is changed, and every other browser is signed out."
    return _page(request, user, notice=notice)


@router.post("/settings/account/sign-out-everywhere")
async def sign_out_everywhere(request: Request, user: ActingUser) -> Response:
    db = request.app.state.db
    await run_in_threadpool(sessions.sign_out_everywhere, db, sessions.of(request), user)
    return RedirectResponse("/", status_code=303)
