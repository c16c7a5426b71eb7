"""The read half of the upstream Papers API: ``/api/daily_papers``, ``/api/papers/search``,
``/api/papers`` and ``/api/papers/{id}``.

Routes are thin: parameters are checked (by FastAPI from the declared types, or here with the
period parsers of :mod:`dailypapers.listing`), one view function is called, and its cards are
shaped by :mod:`dailypapers.web.api_shapes`. Database work runs in the thread pool; the route
itself is async so an answer found in the response cache costs no thread hop at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from dailypapers import arxiv_ids
from dailypapers.papers import catalog
from dailypapers.papers import listing
from dailypapers.db.engine import Database
from dailypapers.store import users as user_store
from dailypapers.web import search_hits
from dailypapers.web.api_auth import Caller, caller
from dailypapers.web.api_errors import ApiProblem, bad_request, not_found, responses
from dailypapers.web.api_shapes import (
    DailyEntry,
    Paper,
    SearchEntry,
    Shaper,
    dumps,
)
from dailypapers.web.response_cache import cached

router = APIRouter(prefix="/api", tags=["papers (upstream-compatible)"])

# The shapes of the period parameters, for the schema; whether the date exists (and is within the
# years the views accept) is checked by the parsers of dailypapers.listing, with a 400.
DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$"
WEEK_PATTERN = r"^\d{4}-W\d{1,2}$"
MONTH_PATTERN = r"^\d{4}-\d{1,2}$"
MAX_PAGE = 100_000  # p * limit must stay a sane SQL OFFSET
JSON = "application/json"
CACHE_HEADER = "X-Api-Cache"  # hit / miss / off: whether the response cache answered


def _json(body: bytes, headers: dict[str, str] | None = None) -> Response:
    return Response(body, media_type=JSON, headers=headers)


async def _cached(request: Request, compute: Callable[[], tuple[bytes, dict[str, str]]],
                  *, shareable: bool = True) -> Response:
    """The JSON answer ``compute()`` gives as (body, headers), through the response cache."""
    (body, headers), state = await cached(request, compute, shareable=shareable)
    return _json(body, {**headers, CACHE_HEADER: state})


def _next_link(request: Request, **params: Any) -> dict[str, str]:
    url = request.url.include_query_params(**params)
    return {"Link": f'<{url}>; rel="next"'}


# -- /api/daily_papers -----------------------------------------------------------------------------


@router.get(
    "/daily_papers",
    response_model=list[DailyEntry],
    responses=responses(400, 401, 429),
    summary="Papers that entered the daily feed, newest first",
    description="Filter by the day / ISO week / month the paper entered the feed "
    "(`submittedOnDailyAt`), and by submitter. The next page is also in a `Link: <...>; "
    'rel="next"` header. A page past the end is `[]`.',
)
async def daily_papers(
    request: Request,
    date: Annotated[str | None, Query(
        max_length=40, pattern=DAY_PATTERN,
        description="YYYY-MM-DD (a full ISO datetime is accepted too).",
        examples=["2025-06-10"])] = None,
    week: Annotated[str | None, Query(max_length=40, pattern=WEEK_PATTERN,
                                      description="ISO week YYYY-Www.",
                                      examples=["2025-W24"])] = None,
    month: Annotated[str | None, Query(max_length=40, pattern=MONTH_PATTERN,
                                       description="YYYY-MM.",
                                       examples=["2025-06"])] = None,
    submitter: Annotated[str | None, Query(max_length=64,
                                           description="Only this user's submissions.")] = None,
    sort: Annotated[Literal["publishedAt", "trending"], Query(
        description="`publishedAt`: newest submission first; `trending`: by trending score."
    )] = "publishedAt",
    p: Annotated[int, Query(ge=0, le=MAX_PAGE, description="Page, from 0.")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Entries per page.")] = 50,
    who: Caller = Depends(caller),
) -> Response:
    given = [(name, value) for name, value in (("date", date), ("week", week), ("month", month))
             if value is not None]
    if len(given) > 1:
        raise bad_request(given[1][0], f"give only one of date, week and month (got "
                                       f"{' and '.join(n for n, _ in given)})")
    period = given[0] if given else None
    if period is not None:
        _check_period(*period)
    db: Database = request.app.state.db
    shaper: Shaper = request.app.state.api_shaper

    def compute() -> tuple[bytes, dict[str, str]]:
        cards = _daily_cards(db, period, submitter, sort, p, limit)
        more = len(cards) > limit and p < MAX_PAGE
        body = dumps([shaper.entry(card) for card in cards[:limit]])
        return body, (_next_link(request, p=p + 1) if more else {})

    return await _cached(request, compute)


def _check_period(name: str, value: str) -> None:
    parse = {"date": listing.parse_day, "week": listing.parse_week,
             "month": listing.parse_month}[name]
    try:
        parse(value)
    except listing.InvalidPeriod as error:
        raise bad_request(name, str(error)) from None


def _daily_cards(db: Database, period: tuple[str, str] | None, submitter: str | None,
                 sort: str, page: int, limit: int) -> list[dict[str, Any]]:
    """The cards of the page an API call asks for, plus the first card of the next page if
    there is one (so no COUNT is needed for the Link header); [] for an unknown submitter."""
    submitter_id = None
    if submitter is not None:
        with db.read() as conn:
            user = user_store.get_by_username(conn, submitter)
        if user is None:
            return []
        submitter_id = user["id"]
    order = "trending" if sort == "trending" else "submitted"
    window = {"limit": limit + 1, "offset": page * limit, "submitter_id": submitter_id}
    if period is None:
        if order == "trending":
            return listing.trending(db, **window).cards
        return listing.everything(db, order=order, count=False, **window).cards
    name, value = period
    if name == "date":
        view = listing.day(db, listing.parse_day(value), order=order, count=False, **window)
    elif name == "week":
        view = listing.week(db, value, order=order, count=False, **window)
    else:
        view = listing.month(db, value, order=order, count=False, **window)
    return view.cards


# -- /api/papers/search ----------------------------------------------------------------------------


@router.get(
    "/papers/search",
    response_model=list[SearchEntry],
    responses=responses(400, 401, 429, 503),
    summary="Search every paper",
    description="Keyword and semantic search over every stored paper (not only the feed), with "
    "the matches marked in `highlightedTitle` / `highlightedSummary`. An arXiv id or an arXiv / "
    "paper-page URL finds that paper first. Without `q`: the newest papers.",
)
async def search_papers(
    request: Request,
    q: Annotated[str | None, Query(max_length=250, description="What to look for.")] = None,
    limit: Annotated[int, Query(ge=1, le=120)] = 50,
    who: Caller = Depends(caller),
) -> Response:
    db: Database = request.app.state.db
    shaper: Shaper = request.app.state.api_shaper
    settings = request.app.state.settings
    query = (q or "").strip()

    def compute() -> tuple[bytes, dict[str, str]]:
        try:
            found = search_hits.search(db, settings, query, limit=limit, user_id=who.user_id)
        except search_hits.SearchUnavailable as error:
            raise ApiProblem(503, str(error), "q") from None
        return dumps([shaper.search_entry(hit.card, hit.title_segments, hit.summary_segments,
                                          hit.card["upvoted"]) for hit in found]), {}

    return await _cached(request, compute, shareable=who.user is None)


# -- /api/papers -----------------------------------------------------------------------------------


@router.get(
    "/papers",
    response_model=list[Paper],
    responses=responses(400, 401, 429),
    summary="Every paper, newest arXiv date first",
    description="Cursor pagination: the next page's URL is in the `Link: <...>; rel=\"next\"` "
    "header (absent on the last page). Papers without an arXiv date come last.",
)
async def all_papers(
    request: Request,
    cursor: Annotated[str | None, Query(max_length=200,
                                        description="From the previous page's Link.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    who: Caller = Depends(caller),
) -> Response:
    db: Database = request.app.state.db
    shaper: Shaper = request.app.state.api_shaper
    try:
        if cursor:
            catalog.decode_cursor(cursor)
    except catalog.InvalidCursor as error:
        raise bad_request("cursor", str(error)) from None

    def compute() -> tuple[bytes, dict[str, str]]:
        page, following = catalog.newest(db, limit, cursor)
        headers = _next_link(request, cursor=following) if following else {}
        return dumps([shaper.paper(card) for card in page]), headers

    return await _cached(request, compute)


# -- /api/papers/{id} ------------------------------------------------------------------------------


def paper_card_or_404(db: Database, paper_id: str, user_id: int | None = None) -> dict[str, Any]:
    """The card of the paper a path names; 404 naming ``id`` when malformed or unknown."""
    try:
        key = arxiv_ids.normalise(paper_id)
    except arxiv_ids.InvalidArxivId as error:
        raise not_found("id", str(error)) from None
    found = catalog.card(db, key, user_id=user_id)
    if found is None:
        raise not_found("id", f"no paper {key} here")
    return found


@router.get(
    "/papers/{id:path}",
    response_model=Paper,
    responses=responses(401, 404, 429),
    summary="One paper",
    description="The paper's fields at the top level. Old-style ids keep their slash "
    "(`/api/papers/hep-th/9901001`); a version suffix is ignored.",
)
async def paper(
    request: Request,
    id: Annotated[str, Path(description="arXiv id, e.g. 2602.23229",  # noqa: A002
                            examples=["2602.23229"])],
    who: Caller = Depends(caller),
) -> Response:
    db: Database = request.app.state.db
    shaper: Shaper = request.app.state.api_shaper

    def compute() -> tuple[bytes, dict[str, str]]:
        return dumps(shaper.paper(paper_card_or_404(db, id))), {}

    return await _cached(request, compute)
