"""``GET /api/for-you``: the caller's recommendations, the papers ``/for-you`` shows."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from dailypapers.recommend import for_you
from dailypapers.web.api.auth import SignedInCaller
from dailypapers.web.api.models import Paper
from dailypapers.web.api.routes import route
from dailypapers.web.api.shapes import dumps

router = APIRouter(prefix="/api", tags=["for you"])

SHOWN = 15  # papers in each part, as on the page


class RecommendedPaper(Paper):
    """A paper in the upstream shape, with why it was recommended and from which part."""

    reason: str = Field(description="The caller's paper it is closest to, by title.")
    part: Literal["new", "archive"] = Field(
        description="`new`: from the latest days; `archive`: the best match of every paper."
    )


@route(router, "get", "/for-you", list[RecommendedPaper], "Papers recommended to the caller")
async def recommended(request: Request, who: SignedInCaller) -> Response:
    """What is new for the caller (best first), then the best of the archive, learnt from
    what they upvoted, saved and gave a 👍 or 👎. Empty until they have done one of those."""
    state = request.app.state
    found = await run_in_threadpool(
        for_you.for_user, state.db, state.settings, who.user, limit=SHOWN
    )
    body = [
        state.api_shaper.paper(r.card) | {"reason": r.reason, "part": part}
        for part, items in (("new", found.new), ("archive", found.archive))
        for r in items
    ]
    return Response(dumps(body), media_type="application/json")
