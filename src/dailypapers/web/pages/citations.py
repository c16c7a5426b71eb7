"""Citation files: ``/papers/{id}.bib`` (and ``.ris``, ``.json`` for CSL-JSON) of one paper,
``/collections/{id}.bib|.ris|.json`` of a collection (a private one to its owner only),
``/search.bib|.ris|.json?q=...`` of a search's first 100 results and
``/following/{id}.bib|.ris|.json`` of a feed's newest 100 papers (a private feed to its owner,
as its page). Each is a download: its media type, and a file name to save it under."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from dailypapers.accounts.records import User
from dailypapers.arxiv_ids import InvalidArxivId
from dailypapers.feeds.records import NoSuchFeed
from dailypapers.library import exports
from dailypapers.library.records import NoSuchCollection, NoSuchPaper
from dailypapers.web.plumbing.auth import user_of
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.routing import ARXIV_ID

router = APIRouter(include_in_schema=False)

FORMATS = ("bib", "ris", "json")
Id = Annotated[int, Path(ge=1, le=2**62)]
QUERY = 500  # characters of a search query read (the search page's box holds less)


def _download(made: exports.Export, private: bool) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{made.filename}"'}
    if private:
        headers.update(NO_STORE)
    return Response(made.text, media_type=f"{made.media_type}; charset=utf-8", headers=headers)


async def _answer(
    request: Request, make: Callable[[User | None], exports.Export], *, missing: str
) -> Response:
    def run() -> Response:
        user = user_of(request)
        try:
            made = make(user)
        except (NoSuchPaper, NoSuchCollection, NoSuchFeed, InvalidArxivId):
            return render_error(request, 404, missing)
        return _download(made, private=user is not None)

    return await run_in_threadpool(run)


def _routes(fmt: str) -> None:
    async def paper_file(request: Request, arxiv_id: str) -> Response:
        db = request.app.state.db
        missing = f"This site has no paper {arxiv_id}."
        return await _answer(
            request, lambda _: exports.of_paper(db, arxiv_id, fmt), missing=missing
        )

    async def collection_file(request: Request, collection_id: Id) -> Response:
        db = request.app.state.db
        missing = f"There is no collection {collection_id} (or it is private)."
        return await _answer(
            request,
            lambda user: exports.of_collection(db, collection_id, user, fmt),
            missing=missing,
        )

    async def feed_file(request: Request, feed_id: Id) -> Response:
        state = request.app.state
        missing = f"There is no feed {feed_id} (or it is private)."
        return await _answer(
            request,
            lambda user: exports.of_feed(state.db, state.settings, feed_id, user, fmt),
            missing=missing,
        )

    async def search_file(
        request: Request,
        q: Annotated[str, Query(min_length=1, max_length=QUERY)],
        mode: Literal["hybrid", "keyword", "semantic"] = "hybrid",
    ) -> Response:
        state = request.app.state
        return await _answer(
            request,
            lambda _: exports.of_search(state.db, state.settings, q, fmt, mode=mode),
            missing="No search.",
        )

    methods = ["GET", "HEAD"]
    router.add_api_route(f"/papers/{ARXIV_ID}.{fmt}", paper_file, methods=methods)
    router.add_api_route(f"/collections/{{collection_id}}.{fmt}", collection_file, methods=methods)
    router.add_api_route(f"/following/{{feed_id}}.{fmt}", feed_file, methods=methods)
    router.add_api_route(f"/search.{fmt}", search_file, methods=methods)


for _fmt in FORMATS:
    _routes(_fmt)
