"""Reading pages: the feed (day, week, month, trending) and a paper's page.

Upstream's URL scheme, so links carry over: ``/papers`` (latest day), ``/papers/date/YYYY-MM-DD``,
``/papers/week/YYYY-Www``, ``/papers/month/YYYY-MM``, ``/papers/trending``, ``/papers/{arxiv_id}``.
Each route reads the request, calls one function of :mod:`dailypapers.listing` or
:mod:`dailypapers.paper_view` (the same ones the JSON API uses) and renders; signed-out readers
are served through the page cache.
"""

from __future__ import annotations

import functools
import logging
from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.convertors import Convertor, register_url_convertor

from dailypapers import arxiv_ids
from dailypapers.papers import listing
from dailypapers.papers import detail as paper_view
from dailypapers.ingest import harvest
from dailypapers.web.errors import render_error
from dailypapers.web.pagecache import cached_page
from dailypapers.web.templating import nice_date, render

log = logging.getLogger(__name__)

PAGE_SIZE = 50  # cards per page of a week or a month
MAX_PAGE = 10_000


class ArxivIdConvertor(Convertor):
    """Path segment(s) shaped like an arXiv id: ``2406.12345[vN]`` or ``hep-th/9901001[vN]``.

    Matching the shape in the route (rather than ``{id:path}``) keeps ``/papers/...`` free for
    other routes (feeds, API-like paths) and sends everything else to the plain 404 page.
    """

    regex = r"(?:\d{4}\.\d{4,5}|[A-Za-z][A-Za-z-]*(?:\.[A-Za-z]{2})?/\d{7})(?:v\d+)?"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("arxiv_id", ArxivIdConvertor())

router = APIRouter(include_in_schema=False)


def _db(request: Request):  # noqa: ANN202
    return request.app.state.db


def _uid(user: dict[str, Any] | None) -> int | None:
    return user["id"] if user else None


@router.get("/favicon.ico")
async def favicon() -> Response:
    """For clients that ask for it without reading the page's ``<link rel="icon">``."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


# -- the feed -------------------------------------------------------------------------------------


@router.api_route("/", methods=["GET", "HEAD"])
async def home(request: Request) -> Response:
    return await cached_page(request, lambda user: _day_page(request, user, None, "home.html"))


@router.api_route("/papers", methods=["GET", "HEAD"])
async def latest(request: Request, date: str | None = Query(None, max_length=40)) -> Response:
    if date is not None:  # upstream's older /papers?date=YYYY-MM-DD links
        return RedirectResponse(f"/papers/date/{listing.parse_day(date).isoformat()}", 301)
    return await cached_page(request, lambda user: _day_page(request, user, None))


@router.api_route("/papers/date/{day}", methods=["GET", "HEAD"])
async def day_page(request: Request, day: str) -> Response:
    when = listing.parse_day(day)
    if day != when.isoformat():  # a datetime or odd spelling: one URL per day
        return RedirectResponse(f"/papers/date/{when.isoformat()}", 301)
    return await cached_page(request, lambda user: _day_page(request, user, when))


@router.api_route("/papers/week/{week}", methods=["GET", "HEAD"])
async def week_page(request: Request, week: str,
                    page: int = Query(1, ge=1, le=MAX_PAGE)) -> Response:
    start, _ = listing.parse_week(week)
    if week != listing.week_label(start):
        return RedirectResponse(f"/papers/week/{listing.week_label(start)}", 301)
    return await cached_page(request, lambda user: _range_page(request, user, "week", week, page))


@router.api_route("/papers/month/{month}", methods=["GET", "HEAD"])
async def month_page(request: Request, month: str,
                     page: int = Query(1, ge=1, le=MAX_PAGE)) -> Response:
    start, _ = listing.parse_month(month)
    if month != listing.month_label(start):
        return RedirectResponse(f"/papers/month/{listing.month_label(start)}", 301)
    return await cached_page(request,
                             lambda user: _range_page(request, user, "month", month, page))


@router.api_route("/papers/trending", methods=["GET", "HEAD"])
async def trending_page(request: Request) -> Response:
    return await cached_page(request, lambda user: _trending_page(request, user))


def _tabs(day: date | None) -> dict[str, str]:
    if day is None:
        return {"day": "/papers", "week": "/papers", "month": "/papers"}
    return {
        "day": f"/papers/date/{day.isoformat()}",
        "week": f"/papers/week/{listing.week_label(day)}",
        "month": f"/papers/month/{listing.month_label(day)}",
    }


def _day_page(request: Request, user: dict | None, when: date | None,
              template: str = "listing.html") -> Response:
    view = listing.day(_db(request), when, user_id=_uid(user))
    day = view.start or when
    harvest_status = None
    if template == "home.html":  # the front page says how harvesting goes
        with _db(request).read() as conn:
            harvest_status = harvest.status(conn, request.app.state.settings.harvest_sources)
    context = {
        "harvest": harvest_status,
        "section": "day", "view": view, "tabs": _tabs(day), "page": 1, "pages": 1, "offset": 0,
        "heading": "Daily papers",
        "subheading": f"{day:%A}, {nice_date(day)}" if day else "",
        "empty_store": view.start is None,
        "prev_link": _link("date", view.previous, lambda d: nice_date(date.fromisoformat(d))),
        "next_link": _link("date", view.next, lambda d: nice_date(date.fromisoformat(d))),
    }
    return render(request, template, context)


def _range_page(request: Request, user: dict | None, kind: str, label: str,
                page: int) -> Response:
    load = listing.week if kind == "week" else listing.month
    view = load(_db(request), label, user_id=_uid(user), limit=PAGE_SIZE,
                offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-view.total // PAGE_SIZE))
    if page > pages:
        return render_error(request, 404, f"This {kind} has {pages} page"
                            f"{'s' if pages > 1 else ''} of papers; there is no page {page}.",
                            action={"href": request.url.path, "text": "First page"})
    if kind == "week":
        subheading = (f"{view.label} · {nice_date(view.start)} – {nice_date(view.end)}")
        describe = _week_text
    else:
        subheading = f"{view.start:%B} {view.start.year}"
        describe = _month_text
    context = {
        "section": "day", "view": view, "tabs": _tabs(view.start), "page": page, "pages": pages,
        "offset": (page - 1) * PAGE_SIZE, "heading": f"{kind.capitalize()}ly papers",
        "subheading": subheading, "empty_store": False,
        "prev_link": _link(kind, view.previous, describe),
        "next_link": _link(kind, view.next, describe),
    }
    return render(request, "listing.html", context)


def _trending_page(request: Request, user: dict | None) -> Response:
    view = listing.trending(_db(request), user_id=_uid(user), limit=PAGE_SIZE)
    context = {
        "section": "trending", "view": view, "tabs": _tabs(view.end), "page": 1, "pages": 1,
        "offset": 0, "heading": "Trending papers",
        "subheading": "Upvotes weighed by age: what people are reading now.",
        "empty_store": view.end is None or view.total == 0,
        "prev_link": None, "next_link": None,
    }
    return render(request, "listing.html", context)


def _link(kind: str, label: str | None, describe) -> dict[str, str] | None:  # noqa: ANN001
    if not label:
        return None
    return {"href": f"/papers/{kind}/{label}", "text": describe(label)}


def _week_text(label: str) -> str:
    start, _ = listing.parse_week(label)
    return f"Week of {nice_date(start)}"


def _month_text(label: str) -> str:
    start, _ = listing.parse_month(label)
    return f"{start:%B} {start.year}"


# -- a paper --------------------------------------------------------------------------------------


@router.api_route("/papers/{arxiv_id:arxiv_id}", methods=["GET", "HEAD"])
async def paper_page(request: Request, arxiv_id: str) -> Response:
    try:
        key = arxiv_ids.normalise(arxiv_id)
    except arxiv_ids.InvalidArxivId as error:  # shaped like an id, but e.g. month 13
        return render_error(request, 404, f"{str(error)[0].upper()}{str(error)[1:]}.",
                            q=arxiv_id, title="No such paper")
    if key != arxiv_id:  # versioned or differently spelled: one URL per paper
        return RedirectResponse(f"/papers/{key}", 301)
    return await cached_page(request, lambda user: paper_response(request, user, key))


def paper_response(request: Request, user: dict | None, key: str, *,
                   form_error: dict | None = None, status_code: int = 200) -> Response:
    """The paper page (also re-shown by the comment action with a form error)."""
    view = paper_view.load(_db(request), key, user_id=_uid(user))
    if view is None:
        action = {"href": f"/submit?paper={key}", "text": f"Submit {key} from arXiv"}
        return render_error(request, 404, f"This site has no paper {key} yet. If it is on "
                            "arXiv, you can submit it to today’s feed.", q=key,
                            title="Paper not found", action=action)
    context = {
        "view": view,
        "form_error": form_error,
        "similar": _similar(request, view.paper["id"]),
        "submitted": request.query_params.get("submitted") == "1",
    }
    return render(request, "paper.html", context, status_code=status_code)


@functools.cache
def _similar_papers_function():  # noqa: ANN202
    """The search issue's ``similar_papers`` when this build has it, else None."""
    try:
        from dailypapers.search import service
    except ImportError:
        return None
    return getattr(service, "similar_papers", None)


def _similar(request: Request, paper_id: int) -> list | None:
    similar_papers = _similar_papers_function()
    if similar_papers is None:
        return None
    try:
        return similar_papers(_db(request), request.app.state.settings, paper_id, k=8)
    except Exception:  # a missing or broken index must not take the paper page down
        log.exception("similar papers failed for paper %s", paper_id)
        return None
