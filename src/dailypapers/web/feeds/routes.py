"""The feeds' routes: every list view as RSS 2.0 and Atom (see :mod:`.links` for the addresses),
plus a reader's private "for you" feed at ``/feeds/for-you/<feed token>.atom``.

Entries come from the same domain functions as the pages, in the same order, at most
``FEED_SIZE``. Anonymous feeds go through the response cache like the API's lists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from dailypapers.accounts import registration, tokens
from dailypapers.papers import listing
from dailypapers.papers.records import Card
from dailypapers.recommend import for_you
from dailypapers.search import service
from dailypapers.web.feeds.links import CATEGORY_PATTERN, MAX_SEARCH_QUERY
from dailypapers.web.feeds.writer import MEDIA_TYPES, Feed, render
from dailypapers.web.plumbing.caching import cached
from dailypapers.web.plumbing.errors import bad_request, not_found, responses

router = APIRouter(prefix="/feeds", tags=["feeds"])

Format = Literal["atom", "rss"]
FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The feed.",
        "content": {
            "application/atom+xml": {"schema": {"type": "string"}},
            "application/rss+xml": {"schema": {"type": "string"}},
        },
    },
    **responses(400, 404),
}
# Fifty entries: more than a busy day of the feed, few enough for every reader to fetch often.
FEED_SIZE = 50
SORT_WORDS = {"newest": "newest", "upvotes": "most upvoted"}
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # a plain ``date`` would also take 1.5 (a timestamp)


def _feed_route(path: str, summary: str, *, errors: dict | None = None, **more: Any):
    """The route of a feed, written as Atom or RSS by the ``{fmt}`` ``path`` ends with;
    ``errors`` documents answers besides FEED_RESPONSES'."""
    return router.get(
        path,
        responses={**FEED_RESPONSES, **(errors or {})},
        response_class=Response,
        summary=summary,
        **more,
    )


async def _answer(
    request: Request, fmt: str, build: Callable[[], tuple[Feed, list[Card]]]
) -> Response:
    settings = request.app.state.settings

    def compute() -> bytes:
        feed, cards = build()
        return render(feed, cards, fmt, settings, request.url.query)

    body, state = await cached(request, compute, size=len)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={"X-Api-Cache": state})


def _period(parse: Callable[[str], Any], name: str, value: str) -> None:
    try:
        parse(value)
    except listing.InvalidPeriod as error:
        raise bad_request(name, str(error)) from None


@_feed_route("/papers.{fmt}", "The newest feed day")
async def latest_day(request: Request, fmt: Format) -> Response:
    load = partial(listing.day, limit=FEED_SIZE)
    return await _listing_feed(request, fmt, "/papers", load, "latest")


# How a period page's view is loaded: (parse the value, load the view).
PERIODS: dict[str, tuple[Callable[[str], Any], Callable[..., listing.Listing]]] = {
    "date": (
        listing.parse_day,
        lambda db, value, limit: listing.day(db, listing.parse_day(value), limit=limit),
    ),
    "week": (listing.parse_week, listing.week),
    "month": (listing.parse_month, listing.month),
}


@_feed_route("/papers/{period}/{value}.{fmt}", "One day, ISO week or month of the feed")
async def period_feed(
    request: Request,
    period: Literal["date", "week", "month"],
    value: Annotated[str, Path(max_length=40, examples=["2025-06-10"])],
    fmt: Format,
) -> Response:
    parse, view_of = PERIODS[period]
    _period(parse, period, value)
    path = f"/papers/{period}/{value}"
    return await _listing_feed(request, fmt, path, lambda db: view_of(db, value, limit=FEED_SIZE))


@_feed_route("/papers/trending.{fmt}", "Trending papers")
async def trending_feed(request: Request, fmt: Format) -> Response:
    load = partial(listing.trending, limit=FEED_SIZE)
    return await _listing_feed(request, fmt, "/papers/trending", load)


# What a feed page's feed is called and says, by the kind of its view ("latest" for the newest
# day); ``{label}`` is the view's label.
LISTING_WORDS = {
    "latest": ("papers of {label}", "The newest day of the daily feed, most upvoted first."),
    "day": (
        "papers of {label}",
        "Papers that entered the daily feed on {label}, most upvoted first.",
    ),
    "week": ("papers of {label}", "The most upvoted papers of the week {label}."),
    "month": ("papers of {label}", "The most upvoted papers of {label}."),
    "trending": ("trending papers", "Papers by upvotes discounted by age, best first."),
}


async def _listing_feed(
    request: Request,
    fmt: str,
    path: str,
    load: Callable[[Any], listing.Listing],
    words: str | None = None,
) -> Response:
    """The feed of the feed page at ``path``, whose view ``load(db)`` gives, described by the
    :data:`LISTING_WORDS` of ``words`` (default: the view's kind)."""

    def build() -> tuple[Feed, list[Card]]:
        view = load(request.app.state.db)
        title, about = LISTING_WORDS[words or view.kind]
        title = title.format(label=view.label) if view.label else "daily papers"
        feed = Feed(title, path, f"/feeds{path}", about.format(label=view.label))
        return feed, view.cards

    return await _answer(request, fmt, build)


@_feed_route("/users/{username}.{fmt}", "What one user submitted")
async def user_feed(
    request: Request, username: Annotated[str, Path(max_length=64)], fmt: Format
) -> Response:
    def build() -> tuple[Feed, list[Card]]:
        user = registration.find(request.app.state.db, username)
        if user is None:
            raise not_found("username", f"no user {username!r} here")
        cards = listing.entries(request.app.state.db, submitter=user.username, limit=FEED_SIZE)
        name = user.username
        segment = quote(name, safe="")  # one path segment: a "/" in an imported name too
        return Feed(
            f"submitted by {name}",
            f"/users/{segment}",
            f"/feeds/users/{segment}",
            f"Papers {name} submitted to the daily feed, newest first.",
        ), cards

    return await _answer(request, fmt, build)


@_feed_route("/search.{fmt}", "Any search", errors=responses(503))
async def search_feed(
    request: Request,
    fmt: Format,
    q: Annotated[
        str, Query(max_length=MAX_SEARCH_QUERY, description="The query, as on the search page.")
    ] = "",
    mode: Annotated[Literal["hybrid", "keyword", "semantic"], Query()] = "hybrid",
    sort: Annotated[Literal["relevance", "newest", "upvotes"], Query()] = "relevance",
    category: Annotated[
        str,
        Query(
            max_length=40,
            pattern=CATEGORY_PATTERN,
            description="An arXiv category (cs.CL) or archive (cs).",
        ),
    ] = "",
    date_from: Annotated[
        str | None,
        Query(max_length=10, pattern=DAY_PATTERN, description="First arXiv date, YYYY-MM-DD."),
    ] = None,
    date_to: Annotated[
        str | None,
        Query(max_length=10, pattern=DAY_PATTERN, description="Last arXiv date, YYYY-MM-DD."),
    ] = None,
) -> Response:
    if not q.strip() and not category:
        raise bad_request("q", "q: say what to search for (or choose a category)")
    first, last = _day("date_from", date_from), _day("date_to", date_to)
    what = _search_words(q, mode, category, first, last)

    def build() -> tuple[Feed, list[Card]]:
        results = service.search(
            request.app.state.db,
            request.app.state.settings,
            q,
            mode=mode,
            sort=sort,
            category=category or None,
            date_from=first,
            date_to=last,
            limit=FEED_SIZE,
        )
        order = "best match first" if sort == "relevance" else f"{SORT_WORDS[sort]} first"
        feed = Feed(
            f"search: {what}", "/search", "/feeds/search", f"Papers matching {what}, {order}."
        )
        return feed, [item.paper for item in results.items]

    return await _answer(request, fmt, build)


def _day(name: str, value: str | None) -> date | None:
    """A search feed's date parameter, already shaped YYYY-MM-DD, as a date: 400 naming the
    parameter when it is no day of the calendar (2025-02-30)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_request(name, f"{name}: {value} is not a day of the calendar") from None


def _search_words(q: str, mode: str, category: str, first: date | None, last: date | None) -> str:
    parts = [q.strip()] if q.strip() else []
    if category:
        parts.append(f"in {category}")
    if first:
        parts.append(f"from {first.isoformat()}")
    if last:
        parts.append(f"to {last.isoformat()}")
    if mode != "hybrid":
        parts.append(f"({mode})")
    return " ".join(parts)


@_feed_route(
    "/for-you/{token}.{fmt}",
    'A reader\'s private "for you" feed',
    description="The address (with its secret token) is made on the settings page and "
    "stops working when revoked there.",
)
async def for_you_feed(
    request: Request, token: Annotated[str, Path(max_length=100)], fmt: Format
) -> Response:
    state = request.app.state

    def compute() -> bytes:
        holder = tokens.resolve(state.db, token, "feed")
        if holder is None:
            raise not_found("token", "no such feed (the address may have been revoked)")
        name = holder.user.username
        picked = for_you.for_user(state.db, state.settings, holder.user, limit=FEED_SIZE)
        feed = Feed(
            f"for {name}",
            "/for-you",
            f"/feeds/for-you/{token}",
            picked.notice
            or f"Papers picked for {name} from what they upvoted and saved, best first.",
        )
        return render(feed, [r.card for r in picked.new], fmt, state.settings)

    body, cache_state = await cached(request, compute, size=len, shareable=False)
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"X-Api-Cache": cache_state, "Cache-Control": "private, no-store"},
    )
