"""A signed-in reader's digest settings (``/settings/digest``): how often, when, what, and the
alerts (saved searches) whose new matches the digest carries. An account whose address is not
verified sees "verify your address first" and can set up nothing (``digest/account.py``)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.digest import account, schedule, subscriptions
from dailypapers.digest.compose import SECTION_TITLES, SECTIONS
from dailypapers.web.plumbing.auth import ActingUser, SignInRequired, viewer
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)
# The time zone list (about 600 names) is the same on every page that offers it: written once,
# it no longer costs each render several hundred escaped options.
TIMEZONE_OPTIONS = Markup("").join(
    Markup('<option value="{}">').format(name) for name in schedule.timezones()
)


def choices() -> dict:
    """What the how-often / when / what fields offer (shared with the preferences page)."""
    return {
        "sections": [(key, SECTION_TITLES[key]) for key in SECTIONS],
        "weekdays": list(enumerate(schedule.WEEKDAYS)),
        "timezone_options": TIMEZONE_OPTIONS,
    }


def preferences_form_fields(**defaults: str) -> Callable[..., dict]:
    """A dependency reading the how-often / when / what fields into what
    ``update_preferences`` takes; ``defaults`` stand for the fields a request leaves out."""

    def read(
        frequency: str = Form(defaults.get("frequency", ""), max_length=16),
        timezone: str = Form(defaults.get("timezone", ""), max_length=64),
        send_hour: str = Form(defaults.get("send_hour", ""), max_length=4),
        weekly_day: str = Form("0", max_length=4),
        content: list[str] = Form([]),
    ) -> dict:
        return {
            "frequency": frequency,
            "timezone": timezone,
            "send_hour": send_hour,
            "weekly_day": weekly_day,
            "content": content,
        }

    return read


# What refuses a save, and the status the page then answers with: a field the reader can mend
# (422), or an address the account may not send to yet (403).
REFUSED_WITH = {
    subscriptions.InvalidPreferences: 422,
    subscriptions.InvalidEmail: 422,
    account.AddressNotVerified: 403,
    account.AddressSuppressed: 403,
}


def _page(
    request: Request, user: User, *, saved: bool = False, refusal: Exception | None = None
) -> Response:
    """The settings page (blocking), saying what refused the last save when one did."""
    mine = account.of(request.app.state.db, user)
    return render(
        request,
        "digest/settings.html",
        {
            "subscription": mine.subscription,
            "verified": mine.verified,
            "alerts": mine.alerts,
            "error": None if refusal is None else str(refusal),
            "saved": saved,
            "section": "settings",
            **choices(),
        },
        status_code=_status(refusal),
    )


def _status(refusal: Exception | None) -> int:
    kinds = (status for kind, status in REFUSED_WITH.items() if isinstance(refusal, kind))
    return next(kinds, 200)


@router.get("/settings/digest")
async def digest_settings(request: Request, user: User | None = Depends(viewer)) -> Response:
    if user is None:
        raise SignInRequired("/settings/digest")
    saved = request.query_params.get("saved") == "1"
    return await run_in_threadpool(lambda: _page(request, user, saved=saved))


# An account's settings form: a field a request leaves out takes a subscription's usual value.
_account_fields = preferences_form_fields(frequency="daily", timezone="UTC", send_hour="7")


@router.post("/settings/digest")
def save_digest_settings(
    request: Request,
    user: ActingUser,
    wanted: dict = Depends(_account_fields),
) -> Response:
    state = request.app.state
    try:
        account.save_preferences(state.db, state.settings, user, wanted)
    except tuple(REFUSED_WITH) as refusal:
        return _page(request, user, refusal=refusal)
    return RedirectResponse("/settings/digest?saved=1", status_code=303)


@router.post("/settings/digest/alerts/delete")
def delete_alert(
    request: Request, user: ActingUser, search_id: int = Form(..., ge=1, le=2**62)
) -> Response:
    account.delete_alert(request.app.state.db, user, search_id)
    return RedirectResponse("/settings/digest#alerts", status_code=303)
