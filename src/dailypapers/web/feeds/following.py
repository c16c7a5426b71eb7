"""A reader's feed (see :mod:`dailypapers.feeds`) as Atom and RSS: ``/feeds/following/{id}.atom``
for a public feed, ``/feeds/following/{id}/{token}.atom`` (the address its owner sees on the
feed's page) for a private one. Entries are the feed page's first papers, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from dailypapers.feeds import syndication
from dailypapers.feeds.records import NoSuchFeed
from dailypapers.web.feeds.routes import FEED_RESPONSES, FEED_SIZE, Format
from dailypapers.web.feeds.writer import MEDIA_TYPES, Feed, render
from dailypapers.web.plumbing.caching import cached
from dailypapers.web.plumbing.errors import not_found

router = APIRouter(prefix="/feeds/following", tags=["feeds"])

TOKEN_LENGTH = 100  # longer than any token made (43 characters); the rest is refused unread
# A token is unpadded base64url (feeds.access.token): anything else is refused before it is read,
# and so never reaches the feed's XML (which holds no control characters).
TOKEN_PATTERN = r"^[A-Za-z0-9_-]+$"


def _written(request: Request, fmt: str, feed_id: int, token: str | None) -> bytes:
    state = request.app.state
    try:
        feed, cards = syndication.entries(
            state.db, state.settings, feed_id, token=token, limit=FEED_SIZE
        )
    except NoSuchFeed:
        raise not_found(
            "feed_id", "no such feed (a private one needs its secret address)"
        ) from None
    path = feed.syndication_path(fmt).rsplit(".", 1)[0]
    if token is not None:
        path = f"{path}/{token}"
    about = Feed(feed.name, feed.path, path, f"Papers of the feed “{feed.name}”, newest first.")
    return render(about, cards, fmt, state.settings)


@router.get(
    "/{feed_id}.{fmt}",
    responses=FEED_RESPONSES,
    response_class=Response,
    summary="A reader's public feed",
)
async def public_feed(
    request: Request, feed_id: Annotated[int, Path(ge=1, le=2**62)], fmt: Format
) -> Response:
    body, state = await cached(request, lambda: _written(request, fmt, feed_id, None), size=len)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers={"X-Api-Cache": state})


@router.get(
    "/{feed_id}/{token}.{fmt}",
    responses=FEED_RESPONSES,
    response_class=Response,
    summary="A reader's private feed, through its secret address",
)
async def private_feed(
    request: Request,
    feed_id: Annotated[int, Path(ge=1, le=2**62)],
    token: Annotated[str, Path(max_length=TOKEN_LENGTH, pattern=TOKEN_PATTERN)],
    fmt: Format,
) -> Response:
    body, state = await cached(
        request, lambda: _written(request, fmt, feed_id, token), size=len, shareable=False
    )
    return Response(
        body,
        media_type=MEDIA_TYPES[fmt],
        headers={"X-Api-Cache": state, "Cache-Control": "private, no-store"},
    )
