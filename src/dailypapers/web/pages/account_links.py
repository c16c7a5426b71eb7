"""The pages mailed links open, and asking for a reset link.

- ``/account/verify/{token}``: a button that verifies the address (GET changes nothing, so a
  mail scanner fetching the link verifies nothing).
- ``/account/reset``: the form that asks for an address. Its answer is the same page whether or
  not an account has verified the address.
- ``/account/reset/{token}``: the new password, twice. Setting it signs the account out
  everywhere; the reader then signs in with it.

A link that is unknown, used or expired is a 410 page. These pages are for one reader: never
cached (``no-store``); the site's referrer policy (``same-origin``) keeps their addresses, token
and all, from other sites.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts import credentials, passwords, quotas, registration, verification
from dailypapers.web.plumbing import csrf
from dailypapers.web.plumbing.auth import client_ip
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)
TOKEN_LENGTH = 100  # longer than any secret we make: anything longer is no link of ours


def _form_post(path: str):
    return router.post(path, dependencies=[Depends(csrf.protect)])


def _page(request: Request, template: str, context: dict, status_code: int = 200) -> Response:
    return render(request, template, context, status_code=status_code, headers=NO_STORE)


def _dead_link(request: Request, error: Exception) -> Response:
    action = {"href": "/settings/account", "text": "Account settings"}
    return render_error(request, 410, str(error), action=action, headers=NO_STORE)


@router.api_route("/account/verify/{token}", methods=["GET", "HEAD"])
def verify_page(request: Request, token: str) -> Response:
    try:
        email = verification.pending(request.app.state.db, token[:TOKEN_LENGTH])
    except verification.LinkNotUsable as error:
        return _dead_link(request, error)
    return _page(request, "verify.html", {"email": email, "token": token, "verified": None})


@_form_post("/account/verify/{token}")
def verify(request: Request, token: str) -> Response:
    try:
        user = verification.verify(request.app.state.db, token[:TOKEN_LENGTH])
    except verification.LinkNotUsable as error:
        return _dead_link(request, error)
    except verification.AddressTaken as error:
        return render_error(request, 409, str(error), title="Address taken", headers=NO_STORE)
    return _page(request, "verify.html", {"email": user.email, "verified": user})


@router.api_route("/account/reset", methods=["GET", "HEAD"])
def reset_request_page(request: Request) -> Response:
    return _page(request, "reset_request.html", {"sent": False, "values": {}, "errors": {}})


@_form_post("/account/reset")
def request_reset(request: Request, email: str = Form("", max_length=400)) -> Response:
    settings = request.app.state.settings
    values = {"email": email}
    try:
        credentials.request_reset(request.app.state.db, settings, email, address=client_ip(request))
    except quotas.Exceeded as exceeded:
        response = _page(
            request,
            "reset_request.html",
            {"sent": False, "values": values, "errors": {"form": str(exceeded)}},
            429,
        )
        response.headers["Retry-After"] = str(exceeded.retry_after)
        return response
    return _page(request, "reset_request.html", {"sent": True, "values": values, "errors": {}})


@router.api_route("/account/reset/{token}", methods=["GET", "HEAD"])
def reset_page(request: Request, token: str) -> Response:
    try:
        user = credentials.reset_pending(request.app.state.db, token[:TOKEN_LENGTH])
    except verification.LinkNotUsable as error:
        return _dead_link(request, error)
    return _page(request, "reset.html", {"account": user, "token": token, "errors": {}})


@_form_post("/account/reset/{token}")
async def reset(
    request: Request,
    token: str,
    password: str = Form("", max_length=passwords.MAX_LENGTH + 1),
    repeated: str = Form("", max_length=passwords.MAX_LENGTH + 1),
) -> Response:
    db = request.app.state.db
    change = partial(credentials.reset_password, db, token[:TOKEN_LENGTH], password, repeated)
    try:
        user = await run_in_threadpool(change)
    except verification.LinkNotUsable as error:
        return _dead_link(request, error)
    except registration.AccountError as error:
        context = {"account": None, "token": token, "errors": error.errors}
        return _page(request, "reset.html", context, 400)
    except passwords.Busy as busy:
        response = render_error(request, 503, str(busy), headers=NO_STORE)
        response.headers["Retry-After"] = str(busy.retry_after)
        return response
    return _page(request, "reset.html", {"account": user, "done": True, "errors": {}})
