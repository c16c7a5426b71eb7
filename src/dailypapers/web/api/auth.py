"""Who is calling the API, and whether they may call again now.

``Authorization: Bearer dp_...`` names an API token (:mod:`dailypapers.accounts.tokens`); no
header means an anonymous caller known by IP. Each request is counted against its token's or its
IP's rate limit (:mod:`dailypapers.web.plumbing.rate_limit`), and refused with 429 and
``Retry-After`` over it.

A token that is not one of ours (say a Hugging Face token the official client sends on its own
when its user is logged in there) is ignored on reads, so that client keeps working unchanged; on
writes, and whenever it looks like ours but is unknown or revoked, it is refused with 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts import quotas, tokens
from dailypapers.accounts.records import User
from dailypapers.web.plumbing.auth import client_ip
from dailypapers.web.plumbing.errors import ApiProblem
from dailypapers.web.plumbing.rate_limit import RateLimiter, retry_after_header

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Declares the scheme in OpenAPI (Swagger's "Authorize" button); we read the header ourselves.
bearer_scheme = HTTPBearer(auto_error=False, description="An API token from your settings page.")


@dataclass(frozen=True)
class Caller:
    user: User | None = None
    token_id: int | None = None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None


ANONYMOUS = Caller()


class RateLimits:
    """The two limiters of one app (anonymous per IP, per token)."""

    def __init__(self, anonymous_per_minute: int, token_per_minute: int):
        self.anonymous = RateLimiter(anonymous_per_minute)
        self.token = RateLimiter(token_per_minute)


async def caller(
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),
) -> Caller:
    """The caller of an API request, counted against its rate limit (a FastAPI dependency)."""
    limits: RateLimits = request.app.state.api_limits
    who = ANONYMOUS
    secret = credentials.credentials if credentials else None
    if secret is None and "authorization" in request.headers:
        raise ApiProblem(
            401, "The Authorization header must be 'Bearer <API token>'.", "Authorization"
        )
    if secret is not None and (
        tokens.looks_like(secret, "api") or request.method not in SAFE_METHODS
    ):
        holder = await run_in_threadpool(tokens.resolve, request.app.state.db, secret, "api")
        if holder is None:
            raise ApiProblem(401, "This API token is invalid or was revoked.", "Authorization")
        who = Caller(user=holder.user, token_id=holder.token_id)
    if who.token_id is not None:
        limiter, key = limits.token, f"token:{who.token_id}"
    else:
        # By network, as every quota counts addresses: an IPv6 client owns its whole /64.
        limiter, key = limits.anonymous, f"ip:{quotas.network_of(client_ip(request))}"
    wait = limiter.hit(key)
    if wait is not None:
        raise ApiProblem(
            429,
            f"Too many requests: at most {limiter.per_minute} a minute. Try again in "
            f"{retry_after_header(wait)} s.",
            None,
            headers={
                "Retry-After": retry_after_header(wait),
                "X-RateLimit-Limit": str(limiter.per_minute),
                "X-RateLimit-Remaining": "0",
            },
        )
    return who


async def signed_in_caller(who: Caller = Depends(caller)) -> Caller:
    """A caller with a valid API token (writes); 401 otherwise."""
    if who.user is None:
        raise ApiProblem(
            401,
            "This needs an API token: send 'Authorization: Bearer <token>' "
            "(create one in your settings).",
            "Authorization",
        )
    return who


# A route's caller: anyone (anonymous or a token's user) or, for writes, a token's user only.
AnyCaller = Annotated[Caller, Depends(caller)]
SignedInCaller = Annotated[Caller, Depends(signed_in_caller)]
