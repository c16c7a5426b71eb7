"""``/api/feeds``: a reader's feeds for scripts and bots, with ``Authorization: Bearer <API
token>``. ``GET``/``POST /api/feeds`` (the caller's feeds; a new one), ``GET``/``PATCH``/
``DELETE /api/feeds/{id}``, and ``GET /api/feeds/{id}/papers``: the feed's papers newest first,
in the shape of ``/api/daily_papers`` entries.

A feed is ``{"name", "categories", "exclude_categories", "authors", "query", "like",
"min_upvotes", "has_code", "private"}``; answers add ``id``, ``papers_url``, ``atom_url`` and
``rss_url`` (a private feed's owner gets its secret addresses). Someone else's private feed is
a 404, like a missing one; changing someone else's public feed is a 403.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from dailypapers.feeds import access, matching, service
from dailypapers.feeds.records import Feed, InvalidFeed, NoSuchFeed, NotYours, TooManyFeeds
from dailypapers.web.api.auth import AnyCaller, Caller, SignedInCaller
from dailypapers.web.api.models import DailyEntry
from dailypapers.web.api.papers import json_answer, next_link
from dailypapers.web.api.shapes import dumps
from dailypapers.web.plumbing.errors import ApiProblem, not_found, responses

router = APIRouter(prefix="/api", tags=["feeds"])

FeedId = Annotated[int, Path(ge=1, le=2**62, description="The feed's id.")]
LIST_ITEMS = 100  # longer lists than the domain takes are refused before reading them
TEXT = 4000  # characters of a text field read; the domain says what it takes


class FeedIn(BaseModel):
    """A feed as ``POST /api/feeds`` takes it: a name and at least one criterion."""

    model_config = ConfigDict(extra="forbid")
    name: StrictStr = Field(max_length=TEXT, description="1 to 100 characters.")
    categories: list[StrictStr] = Field(
        [], max_length=LIST_ITEMS, description="arXiv category ids, any of them (`cs.CL`, `cs`)."
    )
    exclude_categories: list[StrictStr] = Field(
        [], max_length=LIST_ITEMS, description="Papers listing any of these are left out."
    )
    authors: list[StrictStr] = Field(
        [], max_length=LIST_ITEMS, description="Author names in any usual spelling, any of them."
    )
    query: StrictStr = Field(
        "", max_length=TEXT, description="Search syntax; `-word` leaves out papers with it."
    )
    like: StrictStr = Field("", max_length=TEXT, description="Papers like this text (semantic).")
    min_upvotes: StrictInt = Field(0, description="At least this many upvotes.")
    has_code: StrictBool = Field(False, description="Only papers with a code link.")
    private: StrictBool = Field(False, description="Only the owner (or its secret address).")


class FeedPatch(BaseModel):
    """The fields of a feed to change (the others stay)."""

    model_config = ConfigDict(extra="forbid")
    name: StrictStr = Field(None, max_length=TEXT)
    categories: list[StrictStr] = Field(None, max_length=LIST_ITEMS)
    exclude_categories: list[StrictStr] = Field(None, max_length=LIST_ITEMS)
    authors: list[StrictStr] = Field(None, max_length=LIST_ITEMS)
    query: StrictStr = Field(None, max_length=TEXT)
    like: StrictStr = Field(None, max_length=TEXT)
    min_upvotes: StrictInt = None
    has_code: StrictBool = None
    private: StrictBool = None


class FeedOut(BaseModel):
    id: int
    name: str
    categories: list[str]
    exclude_categories: list[str]
    authors: list[str]
    query: str
    like: str
    min_upvotes: int
    has_code: bool = Field(description="Only papers with a code link.")
    private: bool
    papers_url: str = Field(description="Its papers as JSON.")
    atom_url: str = Field(description="Its Atom feed (for a private feed, a secret address).")
    rss_url: str = Field(description="Its RSS feed (for a private feed, a secret address).")


def _shaped(request: Request, feed: Feed) -> dict[str, Any]:
    settings = request.app.state.settings
    base = settings.base_url.rstrip("/")
    syndication = {fmt: f"{base}{feed.syndication_path(fmt)}" for fmt in ("atom", "rss")}
    if feed.private:
        token = access.token(settings, feed.id, feed.token_nonce)
        syndication = {
            fmt: f"{base}/feeds/following/{feed.id}/{token}.{fmt}" for fmt in ("atom", "rss")
        }
    return {
        "id": feed.id,
        **feed.as_json(),
        "papers_url": f"{base}/api/feeds/{feed.id}/papers",
        "atom_url": syndication["atom"],
        "rss_url": syndication["rss"],
    }


def _json(body: Any, status_code: int = 200) -> Response:
    return Response(dumps(body), status_code=status_code, media_type="application/json")


def _refused(error: Exception) -> ApiProblem:
    if isinstance(error, InvalidFeed):
        return ApiProblem(400, error.message, error.field)
    if isinstance(error, TooManyFeeds):
        return ApiProblem(409, str(error), None)
    if isinstance(error, NotYours):
        return ApiProblem(403, "only its owner changes or deletes a feed", "id")
    return not_found("id", "no such feed (or it is private)")


@router.get(
    "/feeds",
    response_model=list[FeedOut],
    responses=responses(401, 429),
    summary="Your feeds",
)
async def your_feeds(request: Request, who: SignedInCaller) -> Response:
    """The caller's feeds, oldest first, private ones included."""
    feeds = await run_in_threadpool(service.of_user, request.app.state.db, who.user)
    return _json([_shaped(request, feed) for feed in feeds])


@router.post(
    "/feeds",
    response_model=FeedOut,
    status_code=201,
    responses=responses(400, 401, 409, 429),
    summary="Make a feed",
)
async def create_feed(request: Request, payload: FeedIn, who: SignedInCaller) -> Response:
    """A new feed of the caller's (at most 50 an account). A bad field is a 400 naming it."""
    try:
        feed = await run_in_threadpool(
            service.create, request.app.state.db, who.user, payload.model_dump()
        )
    except (InvalidFeed, TooManyFeeds) as error:
        raise _refused(error) from None
    return _json(_shaped(request, feed), 201)


def _readable(request: Request, who: Caller, feed_id: int) -> Feed:
    try:
        return service.readable(request.app.state.db, feed_id, viewer=who.user)
    except NoSuchFeed as error:
        raise _refused(error) from None


@router.get(
    "/feeds/{feed_id}",
    response_model=FeedOut,
    responses=responses(400, 401, 404, 429),
    summary="A feed",
)
async def feed(request: Request, feed_id: FeedId, who: AnyCaller) -> Response:
    """Any public feed; a private one to its owner only."""
    found = await run_in_threadpool(_readable, request, who, feed_id)
    return _json(_shaped(request, found))  # a private one's secret addresses: its owner's own


@router.patch(
    "/feeds/{feed_id}",
    response_model=FeedOut,
    responses=responses(400, 401, 403, 404, 429),
    summary="Change a feed",
)
async def change_feed(
    request: Request, feed_id: FeedId, payload: FeedPatch, who: SignedInCaller
) -> Response:
    """The fields sent replace the feed's (the others stay). Only its owner may."""
    try:
        changed = await run_in_threadpool(
            service.change,
            request.app.state.db,
            who.user,
            feed_id,
            payload.model_dump(exclude_unset=True),
        )
    except (InvalidFeed, NoSuchFeed, NotYours) as error:
        raise _refused(error) from None
    return _json(_shaped(request, changed))


@router.delete(
    "/feeds/{feed_id}",
    status_code=204,
    response_class=Response,
    responses=responses(400, 401, 403, 404, 429),
    summary="Delete a feed",
)
async def delete_feed(request: Request, feed_id: FeedId, who: SignedInCaller) -> Response:
    """Only its owner may; its papers stay, of course."""
    try:
        await run_in_threadpool(service.delete, request.app.state.db, who.user, feed_id)
    except (NoSuchFeed, NotYours) as error:
        raise _refused(error) from None
    return Response(status_code=204)


@router.get(
    "/feeds/{feed_id}/papers",
    response_model=list[DailyEntry],
    responses=responses(400, 401, 404, 429),
    summary="A feed's papers, newest first",
)
async def feed_papers(
    request: Request,
    feed_id: FeedId,
    who: AnyCaller,
    p: Annotated[int, Query(ge=0, le=matching.MAX_PAGE, description="Page, from 0.")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Papers per page.")] = 30,
) -> Response:
    """The feed's papers as ``/api/daily_papers`` entries, newest arXiv date first; a
    ``Link: rel="next"`` header while more follow."""
    state = request.app.state

    def compute() -> tuple[bytes, dict[str, str]]:
        try:
            cards = matching.feed_papers(
                state.db,
                state.settings,
                feed_id,
                viewer=who.user,
                limit=limit + 1,
                offset=p * limit,
            )
        except NoSuchFeed as error:
            raise _refused(error) from None
        headers = next_link(request, p=p + 1) if len(cards) > limit else {}
        return dumps([state.api_shaper.entry(card) for card in cards[:limit]]), headers

    # A signed-in caller may be a private feed's owner: their answer is never shared.
    return await json_answer(request, compute, shareable=who.user is None)
