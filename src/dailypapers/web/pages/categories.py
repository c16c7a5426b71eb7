"""``/categories``: every category with papers, by archive; ``/categories/{id}``: a category's
papers of its newest day, with ``/date/YYYY-MM-DD``, ``/week/YYYY-Www`` and ``/month/YYYY-MM``
after the id for other periods, navigated like the feed's own pages (the same listing, filtered).

An id no category can have is a 400; one no paper in the feed lists is a 404 that says so.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from dailypapers.accounts.records import User
from dailypapers.categories import pages
from dailypapers.papers import listing
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.paging import past_the_end
from dailypapers.web.plumbing.rendering import render
from dailypapers.web.plumbing.text import clipped, nice_date

router = APIRouter(include_in_schema=False)

SHOWN_IN_MESSAGES = 60  # characters of an id an error message repeats (real ids are under 20)


@router.api_route("/categories", methods=["GET", "HEAD"])
async def categories_index(request: Request) -> Response:
    def build(user: User | None) -> Response:
        archives = pages.overview(request.app.state.db)
        return render(request, "categories.html", {"archives": archives})

    return await cached_page(request, build)


@router.api_route("/categories/{category_id}", methods=["GET", "HEAD"])
async def category_latest(
    request: Request, category_id: str, date: str | None = Query(None, max_length=40)
) -> Response:
    if date is not None:  # the page's "go to day" form
        if (refused := _refused(request, category_id)) is not None:
            return refused
        day = listing.parse_day(date).isoformat()
        return RedirectResponse(f"/categories/{category_id}/date/{day}", 303)
    return await _category(request, category_id, None, 1)


@router.api_route("/categories/{category_id}/{kind}/{label}", methods=["GET", "HEAD"])
async def category_period(
    request: Request,
    category_id: str,
    kind: str,
    label: str,
    page: int = Query(1, ge=1, le=pages.MAX_PAGE),
) -> Response:
    if kind not in pages.PERIODS:
        return render_error(request, 404, "A category's periods are date, week and month.")
    canonical = (
        listing.parse_day(label).isoformat()
        if kind == "date"
        else listing.canonical_label(kind, label)
    )
    if label != canonical:  # one URL per period
        if (refused := _refused(request, category_id)) is not None:
            return refused
        return RedirectResponse(f"/categories/{category_id}/{kind}/{canonical}", 301)
    return await _category(request, category_id, (kind, label), page)


def _refused(request: Request, category_id: str) -> Response | None:
    """The 400 for an id no category can have (checked before it goes into a redirect)."""
    try:
        pages.checked_id(category_id)
    except pages.InvalidCategory as error:
        shown = clipped(category_id, SHOWN_IN_MESSAGES)
        return render_error(request, 400, f"“{shown}” is not a category: {error}.")
    return None


async def _category(
    request: Request, category_id: str, period: tuple[str, str] | None, page: int
) -> Response:
    def build(user: User | None) -> Response:
        try:
            found = pages.category_page(
                request.app.state.db,
                category_id,
                period=period,
                page=page,
                viewer_id=user.id if user else None,
            )
        except pages.InvalidCategory:
            return _refused(request, category_id)
        if found is None:
            return render_error(
                request,
                404,
                "No paper in the feed lists the category "
                f"“{clipped(category_id, SHOWN_IN_MESSAGES)}”.",
                title="Category not found",
                action={"href": "/categories", "text": "All categories"},
            )
        return _render(request, found, page)

    return await cached_page(request, build)


def _render(request: Request, found, page: int) -> Response:
    view, base = found.listing, f"/categories/{found.category.id}"
    pages_of_view = max(1, -(-view.total // pages.PAGE_SIZE)) if view.kind != "day" else 1
    if page > pages_of_view:
        return past_the_end(
            request, f"This {view.kind} has {pages_of_view} page(s) of {found.category.id} papers."
        )
    kind = "date" if view.kind == "day" else view.kind
    context = {
        "category": found.category,
        "cross_listed": found.cross_listed,
        "section": "categories",
        "view": view,
        "tabs": _tabs(base, view.start),
        "page": page,
        "pages": pages_of_view,
        "offset": (page - 1) * pages.PAGE_SIZE if view.kind != "day" else 0,
        "heading": f"{found.category.name}",
        "subheading": _subheading(view),
        "empty_store": False,
        "jump_action": base,
        "prev_link": _link(base, kind, view.previous),
        "next_link": _link(base, kind, view.next),
    }
    return render(request, "listing.html", context)


def _subheading(view: listing.Listing) -> str:
    if view.start is None:
        return ""
    if view.kind == "day":
        return f"{view.start:%A}, {nice_date(view.start)}"
    if view.kind == "week":
        return f"{view.label} · {nice_date(view.start)} – {nice_date(view.end)}"
    return f"{view.start:%B} {view.start.year}"


def _tabs(base: str, day: date | None) -> dict[str, str]:
    if day is None:
        return {"day": base, "week": base, "month": base}
    return {
        "day": f"{base}/date/{day.isoformat()}",
        "week": f"{base}/week/{listing.week_label(day)}",
        "month": f"{base}/month/{listing.month_label(day)}",
    }


_DESCRIBE: dict[str, Callable[[str], str]] = {
    "date": lambda label: nice_date(date.fromisoformat(label)),
    "week": lambda label: f"Week of {nice_date(listing.parse_week(label)[0])}",
    "month": lambda label: f"{listing.parse_month(label)[0]:%B} {label[:4]}",
}


def _link(base: str, kind: str, label: str | None) -> dict[str, str] | None:
    if not label:
        return None
    return {"href": f"{base}/{kind}/{label}", "text": _DESCRIBE[kind](label)}
