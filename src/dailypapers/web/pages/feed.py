"""The feed's pages: the newest day, a day, an ISO week, a month, and what is trending.

Upstream's URL scheme, so links carry over: ``/papers`` (latest day), ``/papers/date/YYYY-MM-DD``,
``/papers/week/YYYY-Www``, ``/papers/month/YYYY-MM``, ``/papers/trending``; ``?code=1`` keeps
the papers with a code link (and the page's own links keep it). Each route reads the request,
calls one function of :mod:`dailypapers.papers.listing` (the same ones the JSON API uses) and
renders; signed-out readers are served through the page cache.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from dailypapers.accounts.records import User
from dailypapers.ingest import harvest_status
from dailypapers.papers import listing
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.paging import past_the_end
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.text import nice_date

PAGE_SIZE = 50  # cards per page of a week or a month
MAX_PAGE = 10_000
CODE_ONLY = Query(False, description="Only papers with a code link (code=1).")
WITH_CODE = "code=1"  # the query a filtered page's own links carry


router = APIRouter(include_in_schema=False)


def _db(request: Request) -> object:
    return request.app.state.db


def _uid(user: User | None) -> int | None:
    return user.id if user else None


@router.get("/favicon.ico")
async def favicon() -> Response:
    """For clients that ask for it without reading the page's ``<link rel="icon">``."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


# -- the feed ------------------------------------------------------------------------------------


@router.api_route("/", methods=["GET", "HEAD"])
async def home(request: Request) -> Response:
    return await cached_page(request, lambda user: _day_page(request, user, None, "home.html"))


@router.api_route("/papers", methods=["GET", "HEAD"])
async def latest(
    request: Request, date: str | None = Query(None, max_length=40), code: bool = CODE_ONLY
) -> Response:
    if date is not None:  # upstream's older /papers?date=YYYY-MM-DD links
        day = listing.parse_day(date).isoformat()
        return RedirectResponse(_with_code(f"/papers/date/{day}", code), 301)
    return await cached_page(request, lambda user: _day_page(request, user, None, code=code))


@router.api_route("/papers/date/{day}", methods=["GET", "HEAD"])
async def day_page(request: Request, day: str, code: bool = CODE_ONLY) -> Response:
    when = listing.parse_day(day)
    if day != when.isoformat():  # a datetime or odd spelling: one URL per day
        return RedirectResponse(_with_code(f"/papers/date/{when.isoformat()}", code), 301)
    return await cached_page(request, lambda user: _day_page(request, user, when, code=code))


def _period_route(kind: str):
    """The route of the pages of a ``kind`` of period (a week, a month): ``/papers/{kind}/{label}``,
    one URL per period."""

    async def period_page(
        request: Request,
        label: str,
        page: int = Query(1, ge=1, le=MAX_PAGE),
        code: bool = CODE_ONLY,
    ) -> Response:
        canonical = listing.canonical_label(kind, label)
        if label != canonical:
            return RedirectResponse(_with_code(f"/papers/{kind}/{canonical}", code), 301)
        return await cached_page(
            request, lambda user: _range_page(request, user, kind, label, page, code)
        )

    return period_page


for _kind in ("week", "month"):
    router.add_api_route(
        f"/papers/{_kind}/{{label}}",
        _period_route(_kind),
        methods=["GET", "HEAD"],
        name=f"{_kind}_page",
    )


@router.api_route("/papers/trending", methods=["GET", "HEAD"])
async def trending_page(request: Request) -> Response:
    return await cached_page(request, lambda user: _trending_page(request, user))


def _with_code(href: str, code: bool) -> str:
    return f"{href}?{WITH_CODE}" if code else href


def _tabs(day: date | None, code: bool = False) -> dict[str, str]:
    if day is None:
        tabs = {"day": "/papers", "week": "/papers", "month": "/papers"}
    else:
        tabs = {
            "day": f"/papers/date/{day.isoformat()}",
            "week": f"/papers/week/{listing.week_label(day)}",
            "month": f"/papers/month/{listing.month_label(day)}",
        }
    return {kind: _with_code(href, code) for kind, href in tabs.items()}


def _code_filter(code: bool) -> dict[str, object]:
    """What the page's "only papers with code" switch and its links need."""
    return {"has_code": code, "code_query": WITH_CODE if code else ""}


def _day_page(
    request: Request,
    user: User | None,
    when: date | None,
    template: str = "listing.html",
    *,
    code: bool = False,
) -> Response:
    view = listing.day(_db(request), when, user_id=_uid(user), has_code=code)
    day = view.start or when
    sources = None
    if template == "home.html":  # the front page says how harvesting goes
        sources = harvest_status.status(_db(request), request.app.state.settings.harvest_sources)
    context = {
        "harvest": sources,
        "section": "day",
        "view": view,
        "tabs": _tabs(day, code),
        "page": 1,
        "pages": 1,
        "offset": 0,
        "heading": "Daily papers",
        "subheading": f"{day:%A}, {nice_date(day)}" if day else "",
        "empty_store": view.start is None,
        "prev_link": _link("date", view.previous, _day_text, code),
        "next_link": _link("date", view.next, _day_text, code),
        **_code_filter(code),
    }
    return render(request, template, context)


def _range_page(
    request: Request, user: User | None, kind: str, label: str, page: int, code: bool = False
) -> Response:
    load = listing.week if kind == "week" else listing.month
    view = load(
        _db(request),
        label,
        user_id=_uid(user),
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
        has_code=code,
    )
    pages = max(1, -(-view.total // PAGE_SIZE))
    if page > pages:
        return past_the_end(
            request,
            f"This {kind} has {pages} page{'s' if pages > 1 else ''} of papers; "
            f"there is no page {page}.",
            _with_code(request.url.path, code),
        )
    if kind == "week":
        subheading = f"{view.label} · {nice_date(view.start)} – {nice_date(view.end)}"
        describe = _week_text
    else:
        subheading = f"{view.start:%B} {view.start.year}"
        describe = _month_text
    context = {
        "section": "day",
        "view": view,
        "tabs": _tabs(view.start, code),
        "page": page,
        "pages": pages,
        "offset": (page - 1) * PAGE_SIZE,
        "heading": f"{kind.capitalize()}ly papers",
        "subheading": subheading,
        "empty_store": False,
        "prev_link": _link(kind, view.previous, describe, code),
        "next_link": _link(kind, view.next, describe, code),
        **_code_filter(code),
    }
    return render(request, "listing.html", context)


def _trending_page(request: Request, user: User | None) -> Response:
    view = listing.trending(_db(request), user_id=_uid(user), limit=PAGE_SIZE)
    context = {
        "section": "trending",
        "view": view,
        "tabs": _tabs(view.end),
        "page": 1,
        "pages": 1,
        "offset": 0,
        "heading": "Trending papers",
        "subheading": "Upvotes weighed by age: what people are reading now.",
        "empty_store": view.end is None or view.total == 0,
        "prev_link": None,
        "next_link": None,
    }
    return render(request, "listing.html", context)


def _link(
    kind: str, label: str | None, describe: Callable[[str], str], code: bool = False
) -> dict[str, str] | None:
    if not label:
        return None
    return {"href": _with_code(f"/papers/{kind}/{label}", code), "text": describe(label)}


def _day_text(label: str) -> str:
    return nice_date(date.fromisoformat(label))


def _week_text(label: str) -> str:
    start, _ = listing.parse_week(label)
    return f"Week of {nice_date(start)}"


def _month_text(label: str) -> str:
    start, _ = listing.parse_month(label)
    return f"{start:%B} {start.year}"
