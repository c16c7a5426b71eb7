"""The read half of the upstream Papers API: ``/api/daily_papers``, ``/api/papers/search``,
``/api/papers`` and ``/api/papers/{id}``.

Routes are thin: parameters are checked (by FastAPI from the declared types, or with the period
parsers of :mod:`dailypapers.papers.listing`), one domain function is called, and its cards are
shaped by :mod:`dailypapers.web.api.shapes`. Database work runs in the thread pool; the route
itself is async so an answer found in the response cache costs no thread hop at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from dailypapers import arxiv_ids
from dailypapers.authors import claimants
from dailypapers.papers import catalog, listing
from dailypapers.papers.records import Card
from dailypapers.search import service
from dailypapers.web.api.auth import AnyCaller
from dailypapers.web.api.models import DailyEntry, Paper, SearchEntry
from dailypapers.web.api.routes import route
from dailypapers.web.api.shapes import dumps
from dailypapers.web.plumbing.caching import cached
from dailypapers.web.plumbing.errors import bad_request, not_found

router = APIRouter(prefix="/api", tags=["papers (upstream-compatible)"])

# The shapes of the period parameters, for the schema; whether the date exists (and is within the
# years the views accept) is checked by the period parsers, with a 400.
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$"
WEEK_PATTERN = r"^\d{4}-W\d{1,2}$"
MONTH_PATTERN = r"^\d{4}-\d{1,2}$"
MAX_PAGE = 100_000  # p * limit must stay a sane SQL OFFSET
JSON = "application/json"
CACHE_HEADER = "X-Api-Cache"  # hit / miss / off: whether the response cache answered


def _read_route(path: str, model: Any, summary: str, *errors: int):
    """A route of this read half: it answers ``model``, or one of ``errors`` besides the 401 and
    429 any call may get."""
    return route(router, "get", path, model, summary, *errors)


async def json_answer(
    request: Request, compute: Callable[[], tuple[bytes, dict[str, str]]], *, shareable: bool = True
) -> Response:
    """The JSON answer ``compute()`` gives as (body, headers), through the response cache."""
    (body, headers), state = await cached(
        request, compute, shareable=shareable, size=lambda value: len(value[0])
    )
    return Response(body, media_type=JSON, headers={**headers, CACHE_HEADER: state})


def next_link(request: Request, **params: Any) -> dict[str, str]:
    """The ``Link: rel="next"`` header: the site's own address (never the request's Host, which
    a client chooses and a cached answer would pass on to every later client)."""
    query = dict(request.query_params)
    query.update({key: str(value) for key, value in params.items()})
    base = request.app.state.settings.base_url.rstrip("/")
    return {"Link": f'<{base}{request.url.path}?{urlencode(query)}>; rel="next"'}


DayParameter = Annotated[
    str | None,
    Query(
        max_length=40,
        pattern=DAY_PATTERN,
        examples=["2025-06-10"],
        description="YYYY-MM-DD (a full ISO datetime is accepted too).",
    ),
]
WeekParameter = Annotated[
    str | None,
    Query(
        max_length=40, pattern=WEEK_PATTERN, description="ISO week YYYY-Www.", examples=["2025-W24"]
    ),
]
MonthParameter = Annotated[
    str | None,
    Query(max_length=40, pattern=MONTH_PATTERN, description="YYYY-MM.", examples=["2025-06"]),
]


def _one_period(date: str | None, week: str | None, month: str | None) -> tuple[str, str] | None:
    """The one period asked for (400 naming the second when two are given), checked."""
    given = [
        (name, value)
        for name, value in (("date", date), ("week", week), ("month", month))
        if value is not None
    ]
    if len(given) > 1:
        raise bad_request(
            given[1][0],
            f"give only one of date, week and month (got {' and '.join(n for n, _ in given)})",
        )
    if given:
        _check_period(*given[0])
    return given[0] if given else None


# -- /api/daily_papers ---------------------------------------------------------------------------


@_read_route(
    "/daily_papers", list[DailyEntry], "Papers that entered the daily feed, newest first", 400
)
async def daily_papers(
    request: Request,
    who: AnyCaller,
    date: DayParameter = None,
    week: WeekParameter = None,
    month: MonthParameter = None,
    submitter: Annotated[
        str | None, Query(max_length=64, description="Only this user's submissions.")
    ] = None,
    sort: Annotated[
        Literal["publishedAt", "trending"],
        Query(description="`publishedAt`: newest submission first; `trending`: by trending score."),
    ] = "publishedAt",
    p: Annotated[int, Query(ge=0, le=MAX_PAGE, description="Page, from 0.")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Entries per page.")] = 50,
) -> Response:
    """Filter by the day / ISO week / month the paper entered the feed (`submittedOnDailyAt`), and
    by submitter. The next page is also in a `Link: <...>; rel="next"` header. A page past the
    end is `[]`."""
    period = _one_period(date, week, month)
    db, shaper = request.app.state.db, request.app.state.api_shaper
    order = "trending" if sort == "trending" else "submitted"

    def compute() -> tuple[bytes, dict[str, str]]:
        cards = listing.entries(
            db, period=period, submitter=submitter, order=order, limit=limit + 1, offset=p * limit
        )
        more = len(cards) > limit and p < MAX_PAGE
        holders = claimants.holders(db, cards[:limit])
        body = dumps([shaper.entry(card, holders) for card in cards[:limit]])
        return body, (next_link(request, p=p + 1) if more else {})

    return await json_answer(request, compute)


def _check_period(name: str, value: str) -> None:
    parse = {"date": listing.parse_day, "week": listing.parse_week, "month": listing.parse_month}[
        name
    ]
    try:
        parse(value)
    except listing.InvalidPeriod as error:
        raise bad_request(name, str(error)) from None


# -- /api/papers/search --------------------------------------------------------------------------


@_read_route("/papers/search", list[SearchEntry], "Search every paper", 400, 503)
async def search_papers(
    request: Request,
    who: AnyCaller,
    q: Annotated[
        str | None,
        Query(
            max_length=service.LONGEST_QUERY,
            description="What to look for: words, a title, a name, or a pasted abstract.",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=120)] = 50,
    code: Annotated[
        bool, Query(description="Only papers with a code link (found in the abstract or comment).")
    ] = False,
) -> Response:
    """Keyword and semantic search over every stored paper (not only the feed), with the matches
    marked in `highlightedTitle` / `highlightedSummary`. An arXiv id or an arXiv / paper-page
    URL finds that paper first. Without `q`: the newest papers (`code` applies to a query)."""
    db, shaper = request.app.state.db, request.app.state.api_shaper
    settings = request.app.state.settings
    query = (q or "").strip()

    def compute() -> tuple[bytes, dict[str, str]]:
        if not query:  # what the official client's list_papers() without a query expects
            page, _ = catalog.newest(db, limit)
            found = [(card, None, None) for card in page]
        else:
            results = service.search(
                db, settings, query, has_code=code, limit=limit, user_id=who.user_id
            )
            found = [
                (item.paper, item.title_highlights, item.abstract_highlights)
                for item in results.items
            ]
        holders = claimants.holders(db, (card for card, _, _ in found))
        return dumps(
            [
                shaper.search_entry(card, title, summary, card.upvoted, holders)
                for card, title, summary in found
            ]
        ), {}

    return await json_answer(request, compute, shareable=who.user is None)


# -- /api/papers ---------------------------------------------------------------------------------


@_read_route("/papers", list[Paper], "Every paper, newest arXiv date first", 400)
async def all_papers(
    request: Request,
    who: AnyCaller,
    cursor: Annotated[
        str | None, Query(max_length=200, description="From the previous page's Link.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response:
    """Cursor pagination: the next page's URL is in the `Link: <...>; rel="next"` header (absent on
    the last page). Papers without an arXiv date come last."""
    db, shaper = request.app.state.db, request.app.state.api_shaper
    try:
        if cursor:
            catalog.decode_cursor(cursor)
    except catalog.InvalidCursor as error:
        raise bad_request("cursor", str(error)) from None

    def compute() -> tuple[bytes, dict[str, str]]:
        page, following = catalog.newest(db, limit, cursor)
        headers = next_link(request, cursor=following) if following else {}
        holders = claimants.holders(db, page)
        return dumps([shaper.paper(card, holders) for card in page]), headers

    return await json_answer(request, compute)


# -- /api/papers/{id} ----------------------------------------------------------------------------


def paper_card_or_404(db: Any, paper_id: str, user_id: int | None = None) -> Card:
    """The card of the paper a path names; 404 naming ``id`` when malformed or unknown."""
    try:
        key = arxiv_ids.normalise(paper_id)
    except arxiv_ids.InvalidArxivId as error:
        raise not_found("id", str(error)) from None
    found = catalog.card(db, key, user_id=user_id)
    if found is None:
        raise not_found("id", f"no paper {key} here")
    return found


@_read_route("/papers/{id:path}", Paper, "One paper", 404)
async def paper(
    request: Request,
    who: AnyCaller,
    id: Annotated[str, Path(description="arXiv id, e.g. 2602.23229", examples=["2602.23229"])],
) -> Response:
    """The paper's fields at the top level. Old-style ids keep their slash
    (`/api/papers/hep-th/9901001`); a version suffix is ignored."""
    db, shaper = request.app.state.db, request.app.state.api_shaper

    def compute() -> tuple[bytes, dict[str, str]]:
        found = paper_card_or_404(db, id)
        return dumps(shaper.paper(found, claimants.holders(db, [found]))), {}

    return await json_answer(request, compute)
