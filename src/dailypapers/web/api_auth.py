"""Who is calling the API, and whether they may call again now.

``Authorization: Bearer dp_...`` names an API token (see :mod:`dailypapers.store.tokens`); no
header means an anonymous caller known by IP. Each request is counted against its token's or its
IP's rate limit (:mod:`dailypapers.web.rate_limit`), and refused with 429 and ``Retry-After`` over
it.

A token that is not one of ours (say a Hugging Face token the official client sends on its own
when its user is logged in there) is ignored on reads, so that client keeps working unchanged; on
writes, and whenever it looks like ours but is unknown or revoked, it is refused with 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from dailypapers.db.engine import Database
from dailypapers.store import tokens as token_store
from dailypapers.web.api_errors import ApiProblem
from dailypapers.web.auth import client_ip
from dailypapers.web.rate_limit import RateLimiter, retry_after_header

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Declares the scheme in OpenAPI (Swagger's "Authorize" button); we read the header ourselves.
bearer_scheme = HTTPBearer(auto_error=False, description="An API token from your settings page.")


@dataclass(frozen=True)
class Caller:
    user: dict[str, Any] | None = None  # id, username, fullname, avatar_url, upstream_id
    token_id: int | None = None

    @property
    def user_id(self) -> int | None:
        return self.user["id"] if self.user else None


ANONYMOUS = Caller()


class Limits:
    """The two limiters of one app (anonymous per IP, per token)."""

    def __init__(self, anonymous_per_minute: int, token_per_minute: int):
        self.anonymous = RateLimiter(anonymous_per_minute)
        self.token = RateLimiter(token_per_minute)


def _resolve(db: Database, token: str) -> dict[str, Any] | None:
    with db.read() as conn:
        row = token_store.resolve(conn, token, "api")
    # Written at most every few minutes per token, so reads seldom write.
    if row is not None and token_store.needs_mark(row["last_used_at"]):
        with db.write() as conn:
            token_store.mark_used(conn, row["token_id"])
    return row


async def caller(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
) -> Caller:
    """The caller of an API request, counted against its rate limit (a FastAPI dependency)."""
    limits: Limits = request.app.state.api_limits
    who = ANONYMOUS
    token = credentials.credentials if credentials else None
    if token is None and "authorization" in request.headers:
        raise ApiProblem(401, "The Authorization header must be 'Bearer <API token>'.",
                         "Authorization")
    if token is not None and (
        token_store.looks_like(token, "api") or request.method not in SAFE_METHODS
    ):
        row = await run_in_threadpool(_resolve, request.app.state.db, token)
        if row is None:
            raise ApiProblem(401, "This API token is invalid or was revoked.", "Authorization")
        who = Caller(user=row, token_id=row["token_id"])
    if who.token_id is not None:
        limiter, key = limits.token, f"token:{who.token_id}"
    else:
        limiter, key = limits.anonymous, f"ip:{client_ip(request)}"
    wait = limiter.hit(key)
    if wait is not None:
        raise ApiProblem(
            429, f"Too many requests: at most {limiter.per_minute} a minute. Try again in "
            f"{retry_after_header(wait)} s.", None,
            headers={"Retry-After": retry_after_header(wait),
                     "X-RateLimit-Limit": str(limiter.per_minute),
                     "X-RateLimit-Remaining": "0"},
        )
    request.state.caller = who
    return who


async def signed_in_caller(who: Caller = Depends(caller)) -> Caller:
    """A caller with a valid API token (writes); 401 otherwise."""
    if who.user is None:
        raise ApiProblem(401, "This needs an API token: send 'Authorization: Bearer <token>' "
                         "(create one in your settings).", "Authorization")
    return who
