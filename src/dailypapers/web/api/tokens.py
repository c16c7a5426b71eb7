"""The caller's own tokens: ``GET /api/tokens`` lists them (never their secrets),
``DELETE /api/tokens/{tokenId}`` revokes one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts import tokens
from dailypapers.web.api.auth import SignedInCaller
from dailypapers.web.api.records import RecordOut
from dailypapers.web.plumbing.errors import ApiProblem, not_found, responses

router = APIRouter(prefix="/api", tags=["writes"])


class TokenOut(RecordOut):
    id: int
    kind: Literal["api", "feed"]
    name: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    createdAt: datetime
    lastUsedAt: datetime | None = None
    revokedAt: datetime | None = None


@router.get(
    "/tokens",
    response_model=list[TokenOut],
    responses=responses(401, 429),
    summary="Your active API and feed tokens (never the secrets)",
)
async def list_tokens(request: Request, who: SignedInCaller) -> list[TokenOut]:
    found = await run_in_threadpool(tokens.list_for, request.app.state.db, who.user)
    return [TokenOut.of(token) for token in found]


@router.delete(
    "/tokens/{tokenId}",
    response_model=TokenOut,
    responses=responses(401, 403, 404, 429),
    summary="Revoke one of your tokens",
    description="Revoking the token this request is made with is allowed: it stops "
    "working for the next request.",
)
async def delete_token(
    request: Request,
    tokenId: Annotated[int, Path(ge=1, le=2**62)],
    who: SignedInCaller,
) -> TokenOut:
    try:
        revoked = await run_in_threadpool(tokens.revoke, request.app.state.db, who.user, tokenId)
    except tokens.TokenNotFound:
        raise not_found("tokenId", f"no token {tokenId}") from None
    except tokens.NotYourToken:
        raise ApiProblem(403, "This token belongs to someone else.", "tokenId") from None
    return TokenOut.of(revoked)
