"""Account pages: sign up, sign in, sign out, and a user's page (``/users/{name}``).

Forms re-show with each error next to its field and the input kept (never the password). After
signing in or up the reader goes back to ``next`` (a path on this site, checked by
``auth.safe_next``), which is where a sign-in-required action sent them from.
"""

from __future__ import annotations

from functools import partial

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts import passwords, registration, throttle
from dailypapers.accounts.records import User
from dailypapers.accounts.signin import authenticate
from dailypapers.papers import people
from dailypapers.web.plumbing import csrf, sessions
from dailypapers.web.plumbing.auth import NextField, NextQuery, client_ip, safe_next, viewer
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.errors import render_error
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


async def _signed_in(request: Request, user: User, next_url: str) -> Response:
    """Sign ``user`` in on this session (a new one, against fixation) and go on to ``next_url``."""
    await run_in_threadpool(sessions.sign_in, request.app.state.db, sessions.of(request), user)
    return RedirectResponse(next_url, status_code=303)


@_form_post("/signin")
async def signin(
    request: Request,
    login: str = Form("", max_length=320),
    password: str = Form("", max_length=passwords.MAX_LENGTH),
    next: NextField = "/",
) -> Response:
    next_url = safe_next(next)
    db = request.app.state.db
    try:
        user = await run_in_threadpool(
            partial(
                authenticate,
                db,
                login,
                password,
                address=client_ip(request),
                limits=throttle.DEFAULT,
            )
        )
    except throttle.Throttled as throttled:
        response = _form(
            request, "signin.html", next_url, {"login": login}, {"form": str(throttled)}, 429
        )
        response.headers["Retry-After"] = str(throttled.retry_after)
        return response
    if user is None:
        errors = {"form": "That username or email and password do not match an account."}
        if not login.strip():
            errors = {"login": "Enter your username or email."}
        elif not password:
            errors = {"password": "Enter your password."}
        return _form(request, "signin.html", next_url, {"login": login}, errors, 400)
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
    try:
        user = await run_in_threadpool(
            registration.sign_up, request.app.state.db, username, email, password
        )
    except registration.AccountError as error:
        return _form(
            request,
            "signup.html",
            next_url,
            {"username": username, "email": email},
            error.errors,
            400,
        )
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
            return render_error(
                request,
                404,
                f"{username} has {profile.pages} page(s) of submissions.",
                action={"href": request.url.path, "text": "First page"},
            )
        return render(request, "user.html", {"profile": profile})

    return await cached_page(request, build)
