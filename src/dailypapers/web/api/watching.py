"""Watching papers for scripts and bots, with ``Authorization: Bearer <API token>``:
``POST``/``DELETE /api/papers/{id}/watch`` watches or unwatches a paper (both idempotent), and
``GET /api/watching`` is the caller's watched papers and what changed on them, newest first.
Only the caller's own watches are ever read or changed."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from dailypapers.watching import service
from dailypapers.watching.records import NoSuchPaper, TooManyWatches
from dailypapers.web.api.auth import Caller, SignedInCaller
from dailypapers.web.api.shapes import dumps
from dailypapers.web.plumbing.errors import ApiProblem, not_found, responses

router = APIRouter(prefix="/api", tags=["watching"])

PaperId = Annotated[str, Path(description="arXiv id, e.g. 2602.23229", examples=["2602.23229"])]


class WatchOut(BaseModel):
    id: str = Field(description="The paper's arXiv id, as asked.")
    watching: bool = Field(description="Whether the caller now watches it.")


class Watched(BaseModel):
    id: str = Field(description="arXiv id.")
    title: str
    watchedAt: datetime


class ChangeOut(BaseModel):
    kind: Literal["version", "link", "comment"]
    id: str = Field(description="The paper's arXiv id.")
    title: str
    at: datetime = Field(description="When the site learnt of it.")
    what: str = Field(description="What changed, in words.")
    url: str = Field(description="Where it shows (a path on this site, or an absolute URL).")


class WatchingOut(BaseModel):
    papers: list[Watched] = Field(description="Newest watch first.")
    changes: list[ChangeOut] = Field(description="Since each paper was watched, newest first.")


def _json(body) -> Response:
    return Response(dumps(body), media_type="application/json")


def _set(request: Request, who: Caller, arxiv_id: str, on: bool) -> Response:
    act = service.watch if on else service.unwatch
    try:
        watching = act(request.app.state.db, who.user, arxiv_id)
    except NoSuchPaper:
        raise not_found("id", f"no paper {arxiv_id[:40]!r} here") from None
    except TooManyWatches as error:
        raise ApiProblem(409, str(error), "id") from None
    return _json({"id": arxiv_id, "watching": watching})


def _watch_route(method: str, summary: str, description: str):
    return router.api_route(
        "/papers/{id:path}/watch",
        methods=[method],
        response_model=WatchOut,
        responses=responses(401, 404, 409, 429) if method == "POST" else responses(401, 404, 429),
        summary=summary,
        description=description,
    )


@_watch_route(
    "POST",
    "Watch a paper (dailypapers)",
    f"A new arXiv version, code link or comment by someone else shows in `/api/watching` and "
    f"the caller's digest. Idempotent; at most {service.MAX_WATCHES_PER_USER} papers (409).",
)
async def watch(request: Request, id: PaperId, who: SignedInCaller) -> Response:
    return await run_in_threadpool(_set, request, who, id, True)


@_watch_route("DELETE", "Unwatch a paper (dailypapers)", "Idempotent.")
async def unwatch(request: Request, id: PaperId, who: SignedInCaller) -> Response:
    return await run_in_threadpool(_set, request, who, id, False)


@router.get(
    "/watching",
    response_model=WatchingOut,
    responses=responses(401, 429),
    summary="Your watched papers and what changed",
)
async def watching(request: Request, who: SignedInCaller) -> Response:
    """The caller's watched papers and their changes (at most 100), newest first."""
    watches, changes = await run_in_threadpool(service.changes, request.app.state.db, who.user)
    return _json(
        {
            "papers": [w.as_json() for w in watches],
            "changes": [
                {
                    "kind": c.kind,
                    "id": c.arxiv_id,
                    "title": c.title,
                    "at": c.at,
                    "what": c.what,
                    "url": c.href,
                }  # fmt: skip
                for c in changes
            ],
        }
    )
