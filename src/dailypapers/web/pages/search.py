"""``/search``: the search page (query, filters and sort in the URL, so a search can be shared).

Results are the site's cards (vote button, comment count, expandable abstract) with the
matches highlighted. Signed-out readers are served through the page cache like the feed pages.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from dailypapers.accounts.records import User
from dailypapers.search import service
from dailypapers.web.feeds.links import search_links
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)

PER_PAGE = 20
MAX_PAGE = service.MAX_OFFSET // PER_PAGE
MAX_NEXT = 1900  # a vote form's ``next`` longer than this (the action takes 2,000) is dropped
SORT_LABELS = {"relevance": "Relevance", "newest": "Newest", "upvotes": "Most upvoted"}
MODE_LABELS = {"hybrid": "Words + meaning", "keyword": "Words only", "semantic": "Meaning only"}


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _page_number(value: str) -> int:
    """The results page asked for; 1 for anything else. Only ASCII digits, and no more of them
    than MAX_PAGE has: ``str.isdigit`` also says yes to "²" and "١", which ``int`` refuses or
    reads, and ``int`` refuses more than 4,300 digits."""
    if value.isascii() and value.isdigit() and len(value) <= len(str(MAX_PAGE)):
        number = int(value)
        if 0 < number <= MAX_PAGE:
            return number
    return 1


@router.api_route("/search", methods=["GET", "HEAD"], include_in_schema=False)
async def search_page(
    request: Request,
    q: str = "",
    mode: str = "hybrid",
    sort: str = "relevance",
    category: str = "",
    date_from: str = "",
    date_to: str = "",
    code: str = "",
    page: str = "1",
) -> Response:
    number = _page_number(page)
    params = {
        "q": q,
        "mode": mode if mode in service.MODES else "hybrid",
        "sort": sort if sort in service.SORTS else "relevance",
        "category": category.strip(),
        "date_from": date_from,
        "date_to": date_to,
        "code": "1" if code == "1" else "",  # only papers with a code link; other values: off
    }
    return await cached_page(request, lambda user: _page(request, user, params, number))


def _page(request: Request, user: User | None, params: dict[str, str], number: int) -> Response:
    state = request.app.state
    results = None
    if params["q"].strip() or params["category"]:
        results = service.search(
            state.db,
            state.settings,
            params["q"],
            mode=params["mode"],
            sort=params["sort"],
            category=params["category"] or None,
            date_from=_day(params["date_from"]),
            date_to=_day(params["date_to"]),
            has_code=bool(params["code"]),
            limit=PER_PAGE,
            offset=(number - 1) * PER_PAGE,
            user_id=user.id if user else None,
        )
    voted = {item.paper_id for item in results.items if item.paper.upvoted} if results else set()
    # The search's address without defaults: pagination links and where a vote comes back to.
    query = urlencode(
        {
            key: value
            for key, value in params.items()
            if value and value != {"mode": "hybrid", "sort": "relevance"}.get(key)
        }
    )
    here = f"/search?{query}" + (f"&page={number}" if number > 1 else "")
    filtered = any(params[key] for key in ("category", "date_from", "date_to", "code")) or (
        params["mode"] != "hybrid" or params["sort"] != "relevance"
    )
    return render(
        request,
        "search.html",
        {
            "q": params["q"],
            "params": params,
            "results": results,
            "page": number,
            "has_next": bool(results and results.has_more and number < MAX_PAGE),
            "query_string": query,
            "next_url": here if len(here) <= MAX_NEXT else "/search",
            "voted": voted,
            "filtered": filtered,
            "search_feeds": search_links(params),
            "modes": MODE_LABELS,
            "sorts": SORT_LABELS,
            "section": "search",
        },
    )
