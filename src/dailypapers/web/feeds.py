"""RSS 2.0 and Atom feeds of every list view, built with feedgen.

A page's feed is at ``/feeds`` + the page's path + ``.atom`` or ``.rss``::

    /papers                  -> /feeds/papers.atom           the newest feed day
    /papers/date/2025-06-10  -> /feeds/papers/date/2025-06-10.atom
    /papers/week/2025-W24    -> /feeds/papers/week/2025-W24.atom
    /papers/month/2025-06    -> /feeds/papers/month/2025-06.atom
    /papers/trending         -> /feeds/papers/trending.atom
    /search?q=...            -> /feeds/search.atom?q=...
    /users/alice             -> /feeds/users/alice.atom      what alice submitted
    (private, settings page)    /feeds/for-you/<feed token>.atom  the reader's "for you" list

Entries come from the same view functions as the pages (:mod:`dailypapers.listing`), in the same
order, capped at ``feed_size``. Each entry's id is the paper page's URL, so a reader that sees a
paper again (in the weekly feed after the daily one) knows it. :func:`feed_links` tells a page
which feeds to advertise in its ``<head>`` (autodiscovery).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Path, Query, Request
from feedgen.feed import FeedGenerator
from markupsafe import escape
from starlette.responses import Response

from dailypapers.papers import catalog
from dailypapers.papers import listing
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.digest import personal
from dailypapers.store import tokens as token_store
from dailypapers.store import users as user_store
from dailypapers.web import search_hits
from dailypapers.web.api_errors import ApiProblem, bad_request, not_found, responses
from dailypapers.web.response_cache import cached

router = APIRouter(prefix="/feeds", tags=["feeds"])

Format = Literal["atom", "rss"]
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The feed.",
          "content": {"application/atom+xml": {"schema": {"type": "string"}},
                      "application/rss+xml": {"schema": {"type": "string"}}}},
    **responses(400, 404),
}
MAX_AUTHORS = 25  # per entry; the page names them all
MAX_SEARCH_QUERY = 250  # characters of a search feed's ``q``
# Characters XML 1.0 cannot carry at all (feedgen refuses them): dropped from any text we put in.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


class Feed:
    """What one feed is about, before it is written as Atom or RSS."""

    def __init__(self, title: str, page_path: str, feed_path: str, description: str):
        self.title = title
        self.page_path = page_path  # the HTML page this feed follows, e.g. /papers/week/2025-W24
        self.feed_path = feed_path  # without the extension, e.g. /feeds/papers/week/2025-W24
        self.description = description


def render(feed: Feed, cards: list[dict[str, Any]], fmt: str, settings: Settings,
           query: str = "") -> bytes:
    """The feed of ``cards`` (feed cards of :mod:`dailypapers.store.feed`) as Atom or RSS."""
    base = settings.base_url.rstrip("/")
    suffix = f"?{query}" if query else ""
    generator = FeedGenerator()
    self_url = f"{base}{feed.feed_path}.{fmt}{suffix}"
    generator.id(self_url)
    generator.title(xml_text(f"dailypapers: {feed.title}"))
    generator.subtitle(xml_text(feed.description))
    generator.link(href=self_url, rel="self", type=MEDIA_TYPES[fmt])
    generator.link(href=f"{base}{feed.page_path}{suffix}", rel="alternate", type="text/html")
    generator.language("en")
    generator.generator("dailypapers")
    newest = None
    seen: set[str] = set()
    for card in cards:
        if card["arxiv_id"] in seen:  # a paper in the feed on two days of a window: once here
            continue
        seen.add(card["arxiv_id"])
        when = _entry_time(card)
        newest = when if newest is None else max(newest, when)
        _add_entry(generator, card, when, base)
    generator.updated(newest or datetime.now(UTC))
    return generator.atom_str(pretty=False) if fmt == "atom" else generator.rss_str(pretty=False)


def _entry_time(card: dict[str, Any]) -> datetime:
    return card.get("submitted_at") or card.get("published_at") or card["created_at"]


def _add_entry(generator: FeedGenerator, card: dict[str, Any], when: datetime,
               base: str) -> None:
    page = f"{base}/papers/{card['arxiv_id']}"
    entry = generator.add_entry(order="append")
    entry.id(page)
    entry.guid(page, permalink=True)
    entry.title(xml_text(card["title"]))
    entry.link(href=page, rel="alternate")
    authors = card["authors"] or []
    for name in authors[:MAX_AUTHORS]:
        entry.author({"name": xml_text(name)})
    if card.get("published_at"):
        entry.published(card["published_at"])
    entry.updated(when)
    for category in card.get("categories") or ():
        entry.category(term=xml_text(category))
    entry.summary(xml_text(card["abstract"] or card["title"]))
    entry.content(xml_text(_content_html(card, page, len(authors))), type="html")


def _content_html(card: dict[str, Any], page: str, author_count: int) -> str:
    """The entry body: counts, the abstract, and the links a reader wants."""
    upvotes, comments = card.get("upvotes") or 0, card.get("num_comments") or 0
    comments += card.get("upstream_comments") or 0
    authors = card["authors"] or []
    named = ", ".join(authors[:MAX_AUTHORS])
    if author_count > MAX_AUTHORS:
        named += f" and {author_count - MAX_AUTHORS} more"
    links = [f'<a href="{escape(page)}">discussion</a>']
    for label, url in (("arXiv", card.get("abs_url")), ("PDF", card.get("pdf_url")),
                       ("GitHub", card.get("github_repo")), ("project page",
                                                             card.get("project_page"))):
        if url:
            links.append(f'<a href="{escape(url)}">{label}</a>')
    abstract = "".join(f"<p>{escape(part)}</p>" for part in
                       re.split(r"\n\s*\n", card["abstract"] or "") if part.strip())
    return (
        f"<p>{escape(named)}</p>"
        f"<p>{upvotes} upvote{'s' if upvotes != 1 else ''} · "
        f"{comments} comment{'s' if comments != 1 else ''}</p>"
        f"{abstract}<p>{' · '.join(links)}</p>"
    )


# -- routes ----------------------------------------------------------------------------------------


async def _answer(request: Request, fmt: str,
                  build: Callable[[], tuple[Feed, list[dict[str, Any]]]]) -> Response:
    settings: Settings = request.app.state.settings

    def compute() -> bytes:
        feed, cards = build()
        return render(feed, cards, fmt, settings, request.url.query)

    body, state = await cached(request, compute)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={"X-Api-Cache": state})


def _size(request: Request) -> int:
    return request.app.state.settings.feed_size


def _period(parse: Callable[[str], Any], name: str, value: str) -> None:
    try:
        parse(value)
    except listing.InvalidPeriod as error:
        raise bad_request(name, str(error)) from None


@router.get("/papers.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="The newest feed day")
async def latest_day(request: Request, fmt: Format) -> Response:
    db: Database = request.app.state.db

    def build() -> tuple[Feed, list[dict]]:
        view = listing.day(db, limit=_size(request))
        feed = Feed(f"papers of {view.label}" if view.label else "daily papers", "/papers",
                    "/feeds/papers", "The newest day of the daily feed, most upvoted first.")
        return feed, view.cards

    return await _answer(request, fmt, build)


# A period page's view and how its feed describes it: (parse, view, description).
PERIODS: dict[str, tuple[Callable[[str], Any], Callable[..., listing.Listing], str]] = {
    "date": (listing.parse_day, lambda db, value, limit: listing.day(
        db, listing.parse_day(value), limit=limit),
        "Papers that entered the daily feed on {label}, most upvoted first."),
    "week": (listing.parse_week, listing.week, "The most upvoted papers of the week {label}."),
    "month": (listing.parse_month, listing.month, "The most upvoted papers of {label}."),
}


@router.get("/papers/{period}/{value}.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="One day, ISO week or month of the feed")
async def period_feed(request: Request, period: Literal["date", "week", "month"],
                      value: Annotated[str, Path(max_length=40, examples=["2025-06-10"])],
                      fmt: Format) -> Response:
    parse, view_of, description = PERIODS[period]
    _period(parse, period, value)
    db: Database = request.app.state.db

    def build() -> tuple[Feed, list[dict]]:
        view = view_of(db, value, limit=_size(request))
        return Feed(f"papers of {view.label}", f"/papers/{period}/{value}",
                    f"/feeds/papers/{period}/{value}",
                    description.format(label=view.label)), view.cards

    return await _answer(request, fmt, build)


@router.get("/papers/trending.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="Trending papers")
async def trending_feed(request: Request, fmt: Format) -> Response:
    db: Database = request.app.state.db

    def build() -> tuple[Feed, list[dict]]:
        view = listing.trending(db, limit=_size(request))
        return Feed("trending papers", "/papers/trending", "/feeds/papers/trending",
                    "Papers by upvotes discounted by age, best first."), view.cards

    return await _answer(request, fmt, build)


@router.get("/users/{username}.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="What one user submitted")
async def user_feed(request: Request, username: Annotated[str, Path(max_length=64)],
                    fmt: Format) -> Response:
    db: Database = request.app.state.db

    def build() -> tuple[Feed, list[dict]]:
        with db.read() as conn:
            user = user_store.get_by_username(conn, username)
        if user is None:
            raise not_found("username", f"no user {username!r} here")
        name = user["username"]
        view = listing.everything(db, submitter_id=user["id"], limit=_size(request))
        return Feed(f"submitted by {name}", f"/users/{quote(name)}",
                    f"/feeds/users/{quote(name)}",
                    f"Papers {name} submitted to the daily feed, newest first."), view.cards

    return await _answer(request, fmt, build)


# A search feed's parameters are the search page's: these name them, their defaults (left out of
# feed addresses) and what a category may look like (an arXiv category or archive).
SEARCH_PARAMETERS = ("q", "mode", "sort", "category", "date_from", "date_to")
SEARCH_DEFAULTS = {"mode": "hybrid", "sort": "relevance"}
SORT_WORDS = {"newest": "newest", "upvotes": "most upvoted"}
CATEGORY_PATTERN = r"^[A-Za-z0-9.\-]{0,40}$"
DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # a plain ``date`` would also take 1.5 (a timestamp)


@router.get("/search.{fmt}", responses={**FEED_RESPONSES, **responses(503)},
            response_class=Response, summary="Any search")
async def search_feed(
    request: Request, fmt: Format,
    q: Annotated[str, Query(max_length=MAX_SEARCH_QUERY,
                            description="The query, as on the search page.")] = "",
    mode: Annotated[Literal["hybrid", "keyword", "semantic"], Query()] = "hybrid",
    sort: Annotated[Literal["relevance", "newest", "upvotes"], Query()] = "relevance",
    category: Annotated[str, Query(max_length=40, pattern=CATEGORY_PATTERN,
                                   description="An arXiv category (cs.CL) or archive (cs).")] = "",
    date_from: Annotated[str | None, Query(max_length=10, pattern=DAY_PATTERN,
                                           description="First arXiv date, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, Query(max_length=10, pattern=DAY_PATTERN,
                                         description="Last arXiv date, YYYY-MM-DD.")] = None,
) -> Response:
    if not q.strip() and not category:
        raise bad_request("q", "q: say what to search for (or choose a category)")
    db: Database = request.app.state.db
    settings: Settings = request.app.state.settings
    filters = search_hits.Filters(mode, sort, category or None,
                                  _day("date_from", date_from), _day("date_to", date_to))
    what = _search_words(q, filters)

    def build() -> tuple[Feed, list[dict]]:
        try:
            hits = search_hits.search(db, settings, q, limit=_size(request), filters=filters)
        except search_hits.SearchUnavailable as error:
            raise ApiProblem(503, str(error), "q") from None
        order = "best match first" if sort == "relevance" else f"{SORT_WORDS[sort]} first"
        feed = Feed(f"search: {what}", "/search", "/feeds/search",
                    f"Papers matching {what}, {order}.")
        return feed, [h.card for h in hits]

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


def _search_words(q: str, filters: search_hits.Filters) -> str:
    parts = [q.strip()] if q.strip() else []
    if filters.category:
        parts.append(f"in {filters.category}")
    if filters.date_from:
        parts.append(f"from {filters.date_from.isoformat()}")
    if filters.date_to:
        parts.append(f"to {filters.date_to.isoformat()}")
    if filters.mode != "hybrid":
        parts.append(f"({filters.mode})")
    return " ".join(parts)


def _for_you(db: Database, settings: Settings, token: str) -> tuple[Feed, list[dict]]:
    with db.read() as conn:
        owner = token_store.resolve(conn, token, "feed")
    if owner is None:
        raise not_found("token", "no such feed (the address may have been revoked)")
    if token_store.needs_mark(owner["last_used_at"]):
        with db.write() as conn:
            token_store.mark_used(conn, owner["token_id"])
    ranked, notice = personal.for_user(db, settings, owner["id"], limit=settings.feed_size)
    cards = catalog.cards(db, [card["id"] for card, _score in ranked])
    feed = Feed(f"for {owner['username']}", "/for-you", f"/feeds/for-you/{token}",
                notice or f"Papers picked for {owner['username']} from what they upvoted "
                "and saved, best first.")
    return feed, cards


@router.get("/for-you/{token}.{fmt}", responses=FEED_RESPONSES, response_class=Response,
            summary="A reader's private \"for you\" feed",
            description="The address (with its secret token) is made on the settings page and "
            "stops working when revoked there.")
async def for_you_feed(request: Request, token: Annotated[str, Path(max_length=100)],
                       fmt: Format) -> Response:
    state = request.app.state

    def compute() -> bytes:
        feed, cards = _for_you(state.db, state.settings, token)
        return render(feed, cards, fmt, state.settings)

    body, state_ = await cached(request, compute, shareable=False)
    return Response(body, media_type=MEDIA_TYPES[fmt],
                    headers={"X-Api-Cache": state_, "Cache-Control": "private, no-store"})


# -- autodiscovery ---------------------------------------------------------------------------------

_LIST_PAGES = re.compile(
    r"^/papers(?:/date/[^/]+|/week/[^/]+|/month/[^/]+|/trending)?/?$|^/users/[^/]+/?$"
)


def feed_links(request: Request) -> list[dict[str, str]]:
    """The feeds a page advertises with ``<link rel="alternate">``: its own for a list page
    (day, week, month, trending, search, a user's page), else the newest day's."""
    path = request.url.path.rstrip("/") or "/"
    if path == "/search":
        links = search_links({key: request.query_params.get(key, "")
                              for key in SEARCH_PARAMETERS})
        if links:
            return links
    elif _LIST_PAGES.match(path):
        parts = path.split("/")[1:]
        if parts[0] == "users":
            title = f"Submitted by {parts[1]}"
        elif len(parts) == 3:
            title = f"Papers of {'' if parts[1] == 'date' else parts[1] + ' '}{parts[2]}"
        else:
            title = "Trending papers" if parts[-1] == "trending" else "Daily papers"
        return _links(f"/feeds{path}", "", title)
    return _links("/feeds/papers", "", "Daily papers")


def search_links(params: dict[str, str]) -> list[dict[str, str]]:
    """The Atom and RSS feeds of a search page: its query and filters (``SEARCH_PARAMETERS``,
    defaults left out). None for a search without query or category, or an over-long query."""
    chosen = {key: (params.get(key) or "").strip() for key in SEARCH_PARAMETERS}
    q, category = chosen["q"], chosen["category"]
    if (not q and not category) or len(q) > MAX_SEARCH_QUERY:
        return []
    if not re.match(CATEGORY_PATTERN, category):
        return []  # the feed would refuse it; the page says it found nothing
    for key in ("date_from", "date_to"):  # the page ignores a date it cannot read: so does this
        try:
            date.fromisoformat(chosen[key])
        except ValueError:
            chosen[key] = ""
    query = {key: value for key, value in chosen.items()
             if value and value != SEARCH_DEFAULTS.get(key)}
    return _links("/feeds/search", "?" + urlencode(query), f"Search: {(q or category)[:80]}")


def _links(feed_path: str, query: str, title: str) -> list[dict[str, str]]:
    return [
        {"type": MEDIA_TYPES["atom"], "title": f"{title} (Atom)",
         "href": f"{feed_path}.atom{query}"},
        {"type": MEDIA_TYPES["rss"], "title": f"{title} (RSS)", "href": f"{feed_path}.rss{query}"},
    ]


def register_templates(env: Any) -> None:
    """Make :func:`feed_links` available to every template (base.html's ``feeds`` block)."""
    env.globals["feed_links"] = feed_links


