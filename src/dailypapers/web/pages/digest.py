"""Digest pages reached from mail links: subscribe (no account needed), confirm, one-click
unsubscribe, preferences.

Links in mails carry signed tokens (``digest/tokens.py``), which are the only credential these
pages need: no sign-in, and no CSRF token either (``csrf.exempt``), since a forged request would
need the token itself. GET never changes anything (mail scanners follow links): it shows a button
that POSTs. The unsubscribe URL also takes RFC 8058's one-click POST (``List-Unsubscribe=One-
Click``) from mail clients, which carry no cookie.

The subscribe form sits in every page's footer without a CSRF token, so that pages set no session
cookie and stay cacheable. It is exempt on purpose: it never looks at the session (a subscription
is linked to an account only from the account's settings, which check the token), so a forged
POST can do no more than anyone can do directly.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from dailypapers.digest import subscriptions, tokens
from dailypapers.digest.records import Subscription
from dailypapers.web.pages.digest_settings import choices, preferences_form_fields
from dailypapers.web.plumbing import csrf
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return render(request, f"digest/{name}", context, status_code=status_code)


def _bad_link(request: Request, error: Exception, purpose: str) -> HTMLResponse:
    expired = isinstance(error, tokens.TokenExpired)
    return _page(
        request,
        "bad_link.html",
        {"expired": expired, "purpose": purpose, "reason": str(error)},
        status_code=410 if expired else 400,
    )


def _preferences(subscription: Subscription | dict, token: str, **extra: object) -> dict:
    return {
        "subscription": subscription,
        "token": token,
        "error": None,
        "saved": False,
        **choices(),
        **extra,
    }


@router.get("/subscribe", response_class=HTMLResponse)
async def subscribe_form(request: Request) -> HTMLResponse:
    return _page(request, "subscribe.html", {"email": "", "error": None})


@router.post("/subscribe", response_class=HTMLResponse)
@csrf.exempt
def subscribe(request: Request, email: str = Form("", max_length=400)) -> HTMLResponse:
    state = request.app.state
    try:
        subscriptions.subscribe(state.db, state.settings, email)
    except subscriptions.InvalidEmail as error:
        return _page(
            request, "subscribe.html", {"email": email, "error": str(error)}, status_code=400
        )
    # The same answer whether or not the address was already subscribed (no address probing).
    return _page(request, "check_inbox.html", {"email": subscriptions.normalise_email(email)})


def _from_mail_link(purpose: str, *errors: type[Exception]):
    """For a page a mail link leads to: a link whose token does not hold (``errors``, default
    a forged or cut one) gets the bad-link page, which says what the link was for."""
    caught = errors or (tokens.TokenInvalid,)

    def wrap(handler: Callable[..., HTMLResponse]) -> Callable[..., HTMLResponse]:
        @functools.wraps(handler)
        def page(request: Request, **parameters: Any) -> HTMLResponse:
            try:
                return handler(request, **parameters)
            except caught as error:
                return _bad_link(request, error, purpose)

        return page

    return wrap


@router.get("/subscribe/confirm/{token}", response_class=HTMLResponse)
@_from_mail_link("confirm", tokens.TokenInvalid, tokens.TokenExpired)
def confirm_form(request: Request, token: str) -> HTMLResponse:
    tokens.read_confirm_token(request.app.state.settings, token)
    return _page(request, "confirm.html", {"token": token})


@router.post("/subscribe/confirm/{token}", response_class=HTMLResponse)
@csrf.exempt
@_from_mail_link("confirm", tokens.TokenInvalid, tokens.TokenExpired)
def confirm(request: Request, token: str) -> HTMLResponse:
    state = request.app.state
    confirmed = subscriptions.confirm(state.db, state.settings, token)
    preferences = tokens.unsubscribe_token(state.settings, confirmed.id, confirmed.email)
    return _page(request, "confirmed.html", {"subscription": confirmed, "token": preferences})


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
@_from_mail_link("unsubscribe")
def unsubscribe_form(request: Request, token: str) -> HTMLResponse:
    found = _subscription_of(request, token)
    return _page(request, "unsubscribe.html", {"subscription": found, "token": token})


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
@csrf.exempt
@_from_mail_link("unsubscribe")
def unsubscribe(request: Request, token: str) -> HTMLResponse:
    gone = subscriptions.unsubscribe(request.app.state.db, request.app.state.settings, token)
    return _page(request, "unsubscribed.html", {"subscription": gone, "token": token})


@router.get("/digest/preferences/{token}", response_class=HTMLResponse)
@_from_mail_link("preferences")
def preferences_form(request: Request, token: str) -> HTMLResponse:
    return _page(request, "preferences.html", _preferences(_subscription_of(request, token), token))


@router.post("/digest/preferences/{token}", response_class=HTMLResponse)
@csrf.exempt
@_from_mail_link("preferences")
def save_preferences(
    request: Request, token: str, wanted: dict = Depends(preferences_form_fields())
) -> HTMLResponse:
    found = _subscription_of(request, token)
    try:
        saved = subscriptions.update_preferences(request.app.state.db, found.id, wanted)
    except subscriptions.InvalidPreferences as error:
        shown = {**asdict(found), **wanted}  # the reader's choices, shown back as typed
        return _page(
            request,
            "preferences.html",
            _preferences(shown, token, error=str(error)),
            status_code=400,
        )
    return _page(request, "preferences.html", _preferences(saved, token, saved=True))


def _subscription_of(request: Request, token: str) -> Subscription:
    state = request.app.state
    return subscriptions.from_unsubscribe_token(state.db, state.settings, token)
