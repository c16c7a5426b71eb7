"""Account pages: sign up, sign in, sign out, and a user's page (``/users/{name}``).

Forms re-show with each error next to its field and the input kept (never the password). After
signing in or up the reader goes back to ``next`` (a path on this site, checked by
``auth.safe_next``), which is where a sign-in-required action sent them from. Too many tries
answer 429, and a server with every password-hashing slot taken 503, both with ``Retry-After``.
A successful sign-in leaves a device cookie (``plumbing.sessions``) that the throttle counts
this browser's later tries by.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts import passwords, quotas, registration, throttle
from dailypapers.accounts.records import User
from dailypapers.accounts.signin import Disabled, authenticate
from dailypapers.papers import people
from dailypapers.web.plumbing import csrf, sessions
from dailypapers.web.plumbing.auth import NextField, NextQuery, client_ip, safe_next, viewer
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.paging import past_the_end
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)


def _form_post(path: str):
    """The route a form of these pages posts to: its CSRF token checked first."""
    return router.post(path, dependencies=[Depends(csrf.protect)])


def _form(
    request: Request,
    template: str,
    next_url: str,
    values: dict | None = None,
    errors: dict | None = None,
    status_code: int = 200,
) -> Response:
    # Sent here by an action (vote, comment, submit): say why.
    reason = "Sign in to continue; you will be brought back." if next_url != "/" else None
    return render(
        request,
        template,
        {
            "next_url": next_url,
            "values": values or {},
            "errors": errors or {},
            "reason": reason,
        },
        status_code=status_code,
    )


def _blank_form_route(path: str, template: str) -> None:
    """GET (and HEAD) ``path``: the blank form of ``template``, or straight on to ``next`` for a
    reader who is signed in already."""

    async def blank_form(request: Request, next: NextQuery = "/") -> Response:
        next_url = safe_next(next)
        if await viewer(request):
            return RedirectResponse(next_url, status_code=303)
        return _form(request, template, next_url)

    name = template.removesuffix(".html") + "_form"
    router.add_api_route(path, blank_form, methods=["GET", "HEAD"], name=name)


_blank_form_route("/signin", "signin.html")
_blank_form_route("/signup", "signup.html")


def _refused(
    request: Request,
    template: str,
    next_url: str,
    values: dict,
    refusal: quotas.Exceeded | passwords.Busy,
) -> Response:
    """The form again with ``refusal`` (a quota exceeded or passwords.Busy) over it: 429 or 503
    with its ``Retry-After``."""
    status = 503 if isinstance(refusal, passwords.Busy) else 429
    response = _form(request, template, next_url, values, {"form": str(refusal)}, status)
    response.headers["Retry-After"] = str(refusal.retry_after)
    return response


async def _signed_in(request: Request, user: User, next_url: str) -> Response:
    """Sign ``user`` in on this session (a new one, against fixation) and go on to ``next_url``."""
    session = sessions.of(request)
    await run_in_threadpool(sessions.sign_in, request.app.state.db, session, user)
    response = RedirectResponse(next_url, status_code=303)
    response.headers.append("set-cookie", session.codec.device_cookie_header(user))
    return response


@_form_post("/signin")
async def signin(
    request: Request,
    login: str = Form("", max_length=320),
    password: str = Form("", max_length=passwords.MAX_LENGTH),
    next: NextField = "/",
) -> Response:
    next_url = safe_next(next)
    db = request.app.state.db
    values = {"login": login}
    try:
        user = await run_in_threadpool(
            partial(
                authenticate,
                db,
                login,
                password,
                address=client_ip(request),
                limits=throttle.DEFAULT,
                device=sessions.known_device(request),
            )
        )
    except (throttle.Throttled, passwords.Busy) as refusal:
        return _refused(request, "signin.html", next_url, values, refusal)
    except Disabled as disabled:
        return _form(request, "signin.html", next_url, values, {"form": str(disabled)}, 403)
    if user is None:
        errors = {"form": "That username or email and password do not match an account."}
        if not login.strip():
            errors = {"login": "Enter your username or email."}
        elif not password:
            errors = {"password": "Enter your password."}
        return _form(request, "signin.html", next_url, values, errors, 400)
    return await _signed_in(request, user, next_url)


@_form_post("/signup")
async def signup(
    request: Request,
    username: str = Form("", max_length=200),
    email: str = Form("", max_length=400),
    password: str = Form("", max_length=passwords.MAX_LENGTH + 1),
    next: NextField = "/",
) -> Response:
    next_url = safe_next(next)
    values = {"username": username, "email": email}
    try:
        user = await run_in_threadpool(
            partial(
                registration.sign_up,
                request.app.state.db,
                request.app.state.settings,
                username,
                email,
                password,
                address=client_ip(request),
            )
        )
    except registration.AccountError as error:
        return _form(request, "signup.html", next_url, values, error.errors, 400)
    except (registration.SignUpsExceeded, passwords.Busy) as refusal:
        return _refused(request, "signup.html", next_url, values, refusal)
    return await _signed_in(request, user, next_url)


@_form_post("/signout")
async def signout(request: Request) -> Response:
    await run_in_threadpool(sessions.sign_out, request.app.state.db, sessions.of(request))
    return RedirectResponse("/", status_code=303)


@router.api_route("/users/{username}", methods=["GET", "HEAD"])
async def user_page(
    request: Request, username: str, page: int = Query(1, ge=1, le=10_000)
) -> Response:
    def build(user: User | None) -> Response:
        profile = people.profile(
            request.app.state.db, username, page=page, viewer_id=user.id if user else None
        )
        if profile is None:
            return render_error(
                request, 404, f"There is no user called “{username}”.", title="User not found"
            )
        if page > profile.pages:
            return past_the_end(request, f"{username} has {profile.pages} page(s) of submissions.")
        return render(request, "user.html", {"profile": profile})

    return await cached_page(request, build)
