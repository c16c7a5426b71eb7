"""Digest pages: subscribe (no account needed), confirm, one-click unsubscribe, preferences.

Links in mails carry signed tokens (digest/tokens.py), which are the only credential these pages
need: no sign-in, and no CSRF token either (``csrf.exempt``), since a forged request would need
the token itself. GET never changes anything (mail scanners follow links): it shows a button that
POSTs. The unsubscribe URL also takes RFC 8058's one-click POST (``List-Unsubscribe=One-Click``)
from mail clients, which carry no cookie.

The subscribe form sits in every page's footer without a CSRF token, so that pages set no session
cookie and stay cacheable. It is exempt on purpose: it never looks at the session (a subscription
is linked to an account only from the account's settings, which check the token), so a forged
POST can do no more than anyone can do directly: ask for one confirmation mail an hour.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dailypapers.digest import schedule, subscriptions, tokens
from dailypapers.digest.compose import SECTION_TITLES, SECTIONS
from dailypapers.web import csrf
from dailypapers.web.templating import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    return templates.TemplateResponse(request, f"digest/{name}", context, status_code=status_code)


def _bad_link(request: Request, error: Exception, purpose: str) -> HTMLResponse:
    expired = isinstance(error, tokens.TokenExpired)
    return _page(request, "bad_link.html",
                 {"expired": expired, "purpose": purpose, "reason": str(error)},
                 status_code=410 if expired else 400)


@router.get("/subscribe", response_class=HTMLResponse)
def subscribe_form(request: Request) -> HTMLResponse:
    return _page(request, "subscribe.html", {"email": "", "error": None})


@router.post("/subscribe", response_class=HTMLResponse)
@csrf.exempt
async def subscribe(request: Request) -> HTMLResponse:
    form = await request.form()
    raw = str(form.get("email", ""))
    state = request.app.state
    try:
        subscriptions.subscribe(state.db, state.settings, raw)
    except subscriptions.InvalidEmail as error:
        return _page(request, "subscribe.html", {"email": raw, "error": str(error)},
                     status_code=400)
    # The same answer whether or not the address was already subscribed (no address probing).
    return _page(request, "check_inbox.html", {"email": subscriptions.normalise_email(raw)})


@router.get("/subscribe/confirm/{token}", response_class=HTMLResponse)
def confirm_form(request: Request, token: str) -> HTMLResponse:
    try:
        tokens.read_confirm_token(request.app.state.settings, token)
    except (tokens.TokenInvalid, tokens.TokenExpired) as error:
        return _bad_link(request, error, "confirm")
    return _page(request, "confirm.html", {"token": token})


@router.post("/subscribe/confirm/{token}", response_class=HTMLResponse)
@csrf.exempt
def confirm(request: Request, token: str) -> HTMLResponse:
    state = request.app.state
    try:
        row = subscriptions.confirm(state.db, state.settings, token)
    except (tokens.TokenInvalid, tokens.TokenExpired) as error:
        return _bad_link(request, error, "confirm")
    preferences = tokens.unsubscribe_token(state.settings, row["id"], row["email"])
    return _page(request, "confirmed.html", {"subscription": row, "token": preferences})


@router.get("/unsubscribe/{token}", response_class=HTMLResponse)
def unsubscribe_form(request: Request, token: str) -> HTMLResponse:
    state = request.app.state
    try:
        row = subscriptions.from_unsubscribe_token(state.db, state.settings, token)
    except tokens.TokenInvalid as error:
        return _bad_link(request, error, "unsubscribe")
    return _page(request, "unsubscribe.html", {"subscription": row, "token": token})


@router.post("/unsubscribe/{token}", response_class=HTMLResponse)
@csrf.exempt
def unsubscribe(request: Request, token: str) -> HTMLResponse:
    state = request.app.state
    try:
        row = subscriptions.unsubscribe(state.db, state.settings, token)
    except tokens.TokenInvalid as error:
        return _bad_link(request, error, "unsubscribe")
    return _page(request, "unsubscribed.html", {"subscription": row, "token": token})


@router.get("/digest/preferences/{token}", response_class=HTMLResponse)
def preferences_form(request: Request, token: str) -> HTMLResponse:
    state = request.app.state
    try:
        row = subscriptions.from_unsubscribe_token(state.db, state.settings, token)
    except tokens.TokenInvalid as error:
        return _bad_link(request, error, "preferences")
    return _page(request, "preferences.html", _preferences_context(row, token))


@router.post("/digest/preferences/{token}", response_class=HTMLResponse)
@csrf.exempt
async def save_preferences(request: Request, token: str) -> HTMLResponse:
    state = request.app.state
    try:
        row = subscriptions.from_unsubscribe_token(state.db, state.settings, token)
    except tokens.TokenInvalid as error:
        return _bad_link(request, error, "preferences")
    form = await request.form()
    wanted = {
        "frequency": form.get("frequency", ""), "timezone": form.get("timezone", ""),
        "send_hour": form.get("send_hour", ""), "weekly_day": form.get("weekly_day", "0"),
        "content": form.getlist("content"),
    }
    try:
        row = subscriptions.update_preferences(state.db, row["id"], wanted)
    except subscriptions.InvalidPreferences as error:
        context = _preferences_context({**row, **{k: v for k, v in wanted.items()}}, token)
        return _page(request, "preferences.html", {**context, "error": str(error)},
                     status_code=400)
    return _page(request, "preferences.html", {**_preferences_context(row, token), "saved": True})


def _preferences_context(row: dict, token: str) -> dict:
    return {
        "subscription": row, "token": token, "error": None, "saved": False,
        "sections": [(key, SECTION_TITLES[key]) for key in SECTIONS],
        "weekdays": list(enumerate(schedule.WEEKDAYS)),
        "timezones": schedule.timezones(),
    }
