"""Digest pages reached from mail links: subscribe (no account needed), confirm, one-click
unsubscribe, preferences, "never mail me again".

Links in mails carry signed tokens (``digest/tokens.py``), which are the only credential these
pages need: no sign-in, and no CSRF token either (``csrf.exempt``), since a forged request would
need the token itself. GET never changes anything (mail scanners follow links): it shows a button
that POSTs. The unsubscribe URL also takes RFC 8058's one-click POST (``List-Unsubscribe=One-
Click``) from mail clients, which carry no cookie.

The subscribe form sits in every page's footer without a CSRF token, so that pages set no session
cookie and stay cacheable. It is exempt on purpose: it never looks at the session (a subscription
is linked to an account only from the account's settings, which check the token), so a forged
POST can do no more than anyone can do directly; what anyone can do directly is limited per
address and per client network (``digest/subscriptions.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from dailypapers.accounts import quotas
from dailypapers.digest import subscriptions, suppression, tokens
from dailypapers.digest.records import Subscription
from dailypapers.web.pages.digest_settings import choices, preferences_form_fields
from dailypapers.web.plumbing import csrf
from dailypapers.web.plumbing.auth import client_ip
from dailypapers.web.plumbing.rate_limit import retry_after_header
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    name: str,
    context: dict,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(request, f"digest/{name}", context, status_code=status_code, headers=headers)


def _bad_link(request: Request, error: Exception, purpose: str) -> HTMLResponse:
    expired = isinstance(error, tokens.TokenExpired)
    used = isinstance(error, tokens.TokenUsed)
    return _page(
        request,
        "bad_link.html",
        {"expired": expired, "used": used, "purpose": purpose, "reason": str(error)},
        status_code=410 if expired or used else 400,
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
        done = subscriptions.subscribe(
            state.db, state.settings, email, client_address=client_ip(request)
        )
    except subscriptions.InvalidEmail as error:
        return _page(
            request, "subscribe.html", {"email": email, "error": str(error)}, status_code=400
        )
    except quotas.Exceeded as refusal:  # says nothing of the address, only of the asker
        return _page(
            request,
            "subscribe.html",
            {"email": email, "error": str(refusal)},
            status_code=429,
            headers={"Retry-After": retry_after_header(refusal.retry_after)},
        )
    # The same answer whatever the address's state: new, subscribed, out of confirmation
    # mails or suppressed (no address probing).
    return _page(request, "check_inbox.html", {"email": done.email})


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


_CONFIRM_ERRORS = (tokens.TokenInvalid, tokens.TokenExpired, tokens.TokenUsed)


@router.get("/subscribe/confirm/{token}", response_class=HTMLResponse)
@_from_mail_link("confirm", *_CONFIRM_ERRORS)
def confirm_form(request: Request, token: str) -> HTMLResponse:
    subscriptions.check_confirm_link(request.app.state.db, request.app.state.settings, token)
    return _page(request, "confirm.html", {"token": token})


@router.post("/subscribe/confirm/{token}", response_class=HTMLResponse)
@csrf.exempt
@_from_mail_link("confirm", *_CONFIRM_ERRORS)
def confirm(request: Request, token: str) -> HTMLResponse:
    state = request.app.state
    confirmed = subscriptions.confirm(state.db, state.settings, token)
    preferences = tokens.unsubscribe_token(state.settings, confirmed.id, confirmed.email)
    return _page(request, "confirmed.html", {"subscription": confirmed, "token": preferences})


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
@_from_mail_link("unsubscribe")
def unsubscribe_form(request: Request, token: str) -> HTMLResponse:
    found = _subscription_of(request, token)
    return _page(request, "unsubscribe.html", _unsubscribing(request, found, token))


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
@csrf.exempt
@_from_mail_link("unsubscribe")
def unsubscribe(request: Request, token: str) -> HTMLResponse:
    gone = subscriptions.unsubscribe(request.app.state.db, request.app.state.settings, token)
    return _page(request, "unsubscribed.html", _unsubscribing(request, gone, token))


def _unsubscribing(request: Request, subscription: Subscription, token: str) -> dict:
    never_mail_url = suppression.link(request.app.state.settings, subscription.email)
    return {"subscription": subscription, "token": token, "never_mail_url": never_mail_url}


@router.get("/never-mail/{token}", response_class=HTMLResponse)
@_from_mail_link("never-mail")
def never_mail_form(request: Request, token: str) -> HTMLResponse:
    email = suppression.address_of(request.app.state.settings, token)
    return _page(request, "never_mail.html", {"email": email, "token": token, "done": False})


@router.post("/never-mail/{token}", response_class=HTMLResponse)
@csrf.exempt
@_from_mail_link("never-mail")
def never_mail(request: Request, token: str) -> HTMLResponse:
    email = suppression.never_mail(request.app.state.db, request.app.state.settings, token)
    return _page(request, "never_mail.html", {"email": email, "token": token, "done": True})


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
