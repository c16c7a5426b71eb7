"""The write half of the API, with ``Authorization: Bearer <API token>``.

Upstream's shapes: ``POST /api/papers/{id}/comment`` and ``.../comment/{commentId}/reply`` answer
``{"newMessage": {...}}``. dailypapers' own (upstream has no public endpoint for these):
``POST /api/papers/index`` (fetch a paper from arXiv; upstream's shape, ``{}``),
``POST /api/daily_papers`` (submit to today's feed), ``POST`` /
``DELETE /api/papers/{id}/upvote``. The caller's tokens are in :mod:`dailypapers.web.api.tokens`.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from dailypapers import arxiv_ids
from dailypapers.papers import catalog, discussion, lookups, submissions, voting
from dailypapers.web.api.auth import Caller, SignedInCaller
from dailypapers.web.api.models import CommentIn, DailyEntry, Empty, NewMessage
from dailypapers.web.api.shapes import Shaper, dumps, parse_comment_id
from dailypapers.web.plumbing.errors import ApiProblem, bad_request, not_found, responses
from dailypapers.web.plumbing.rate_limit import retry_after_header

router = APIRouter(prefix="/api", tags=["writes"])

PaperId = Annotated[str, Path(description="arXiv id, e.g. 2602.23229", examples=["2602.23229"])]


class VoteOut(BaseModel):
    id: str = Field(description="The paper's arXiv id.")
    upvotes: int = Field(description="The paper's count after this call.")
    upvoted: bool = Field(description="Whether the caller's vote is now counted.")


# -- comments ------------------------------------------------------------------------------------


def _post_comment(
    request: Request, who: Caller, paper_id: str, body: str, parent: str | None
) -> bytes:
    shaper: Shaper = request.app.state.api_shaper
    parent_key = None
    if parent is not None:
        parent_key = parse_comment_id(parent)
        if parent_key is None:
            raise not_found("commentId", f"no comment {parent[:40]!r} here")
    try:
        posted = discussion.post(request.app.state.db, who.user_id, paper_id, body, parent_key)
    except discussion.PaperNotFound as error:
        raise not_found("id", f"no paper {error} here") from None
    except discussion.ParentNotFound as error:
        raise not_found("commentId", str(error)) from None
    except discussion.InvalidComment as error:
        raise bad_request("comment", str(error)) from None
    except discussion.TooManyComments as error:
        wait = {"Retry-After": retry_after_header(error.retry_after)}
        raise ApiProblem(429, str(error), "comment", wait) from None
    return dumps({"newMessage": shaper.comment(posted, str(posted.html), who.user)})


def _comment_route(below_paper: str, summary: str):
    """A route posting a comment (``below_paper`` is its path under the paper's): both answer
    upstream's ``{"newMessage": ...}``."""
    return router.post(
        "/papers/{id:path}" + below_paper,
        response_model=NewMessage,
        responses=responses(400, 401, 404, 429),
        summary=summary,
    )


@_comment_route("/comment", "Comment on a paper")
async def comment(
    request: Request, id: PaperId, payload: CommentIn, who: SignedInCaller
) -> Response:
    body = await run_in_threadpool(_post_comment, request, who, id, payload.comment, None)
    return Response(body, media_type="application/json")


@_comment_route("/comment/{commentId}/reply", "Reply to a comment")
async def reply(
    request: Request,
    id: PaperId,
    commentId: Annotated[str, Path(max_length=64)],
    payload: CommentIn,
    who: SignedInCaller,
) -> Response:
    body = await run_in_threadpool(_post_comment, request, who, id, payload.comment, commentId)
    return Response(body, media_type="application/json")


# -- votes ---------------------------------------------------------------------------------------


def _vote(request: Request, who: Caller, paper_id: str, up: bool) -> VoteOut:
    vote = voting.upvote if up else voting.unvote
    try:
        state = vote(request.app.state.db, who.user_id, paper_id)
    except voting.PaperNotFound as error:
        raise not_found("id", f"no paper {error} here") from None
    return VoteOut(id=state.arxiv_id, upvotes=state.upvotes, upvoted=state.voted)


def _vote_route(method: str, summary: str, description: str):
    """``POST`` (upvote) or ``DELETE`` (take it back) on a paper's ``/upvote``: both answer the
    paper's count after the call."""
    return router.api_route(
        "/papers/{id:path}/upvote",
        methods=[method],
        response_model=VoteOut,
        responses=responses(401, 404, 429),
        summary=summary,
        description=description,
    )


@_vote_route("POST", "Upvote a paper (dailypapers)", "Idempotent: upvoting twice counts once.")
async def upvote(request: Request, id: PaperId, who: SignedInCaller) -> VoteOut:
    return await run_in_threadpool(_vote, request, who, id, True)


@_vote_route(
    "DELETE",
    "Take back an upvote (dailypapers)",
    "Idempotent: nothing happens when the caller had not upvoted.",
)
async def unvote(request: Request, id: PaperId, who: SignedInCaller) -> VoteOut:
    return await run_in_threadpool(_vote, request, who, id, False)


# -- submitting to the daily feed ---------------------------------------------------------------


def _paper_named(action: str, max_length: int) -> Any:
    """The ``arxivId`` field of a body naming the paper to act on."""
    return Field(
        min_length=1,
        max_length=max_length,
        examples=["2401.01234"],
        description=f"arXiv id or abs/pdf URL of the paper to {action}.",
    )


class SubmitIn(BaseModel):
    arxivId: str = _paper_named("submit", 300)


# A refused submission's reason -> (status, field named).
SUBMISSION_STATUS = {
    "invalid": 400,
    "not_found": 404,
    "duplicate": 409,
    "limit": 429,
    "lookup": 429,
    "upstream": 502,
}


def _submit(request: Request, who: Caller, text: str) -> bytes:
    try:
        done = submissions.submit(
            request.app.state.db,
            request.app.state.settings,
            who.user_id,
            text,
            pipeline=request.app.state.pipeline,
        )
    except submissions.SubmissionError as error:
        status = SUBMISSION_STATUS.get(error.code, 400)
        headers = {}
        if error.code == "limit":  # the count starts again at midnight UTC
            now = datetime.now(UTC)
            midnight = datetime.combine(now.date() + timedelta(days=1), time.min, UTC)
            headers["Retry-After"] = retry_after_header((midnight - now).total_seconds())
        if error.retry_after is not None:
            headers["Retry-After"] = retry_after_header(error.retry_after)
        raise ApiProblem(status, str(error), "arxivId", headers) from None
    card = catalog.card(request.app.state.db, done.arxiv_id)
    return dumps(request.app.state.api_shaper.entry(card))


@router.post(
    "/daily_papers",
    response_model=DailyEntry,
    responses=responses(400, 401, 404, 409, 429, 502),
    summary="Submit a paper to today's feed (dailypapers)",
    description="The paper (fetched from arXiv if it is not stored yet) enters today's "
    "feed (UTC), submitted by the token's user. Answers the new feed entry. A paper "
    "already in the feed is a 409; over the daily submission limit, a 429.",
)
async def submit(request: Request, payload: SubmitIn, who: SignedInCaller) -> Response:
    body = await run_in_threadpool(_submit, request, who, payload.arxivId)
    return Response(body, media_type="application/json")


# -- indexing a paper from arXiv -----------------------------------------------------------------


class IndexIn(BaseModel):
    arxivId: str = _paper_named("index", 200)


def index_paper(request: Request, who: Caller, text: str) -> None:
    try:
        lookups.index(
            request.app.state.db,
            request.app.state.settings,
            text,
            user_id=who.user_id,
            pipeline=request.app.state.pipeline,
        )
    except arxiv_ids.InvalidArxivId as error:
        raise bad_request("arxivId", str(error)) from None
    except lookups.NotOnArxiv as error:
        raise not_found("arxivId", f"arXiv has no paper {error}") from None
    except lookups.ArxivUnavailable as error:
        raise ApiProblem(502, f"arXiv could not be asked: {error}", "arxivId") from None
    except lookups.LookupRefused as error:
        wait = {"Retry-After": retry_after_header(error.retry_after)}
        raise ApiProblem(429, str(error), "arxivId", wait) from None


@router.post(
    "/papers/index",
    response_model=Empty,
    responses=responses(400, 401, 404, 429, 502),
    summary="Index a paper from arXiv",
    description="Fetches the paper's metadata from the arXiv API into the store (or "
    "refreshes it). Answers `{}`.",
)
async def index(request: Request, payload: IndexIn, who: SignedInCaller) -> Response:
    await run_in_threadpool(index_paper, request, who, payload.arxivId)
    return Response(b"{}", media_type="application/json")
