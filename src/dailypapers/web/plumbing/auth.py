"""Who is asking: the signed-in user of a request, its client address, sign-in-required actions,
safe ``next`` URLs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dailypapers.accounts.records import User
from dailypapers.web.plumbing import csrf, sessions


class SignInRequired(Exception):
    """Raised by actions that need a user; the handler sends them to sign in and back."""

    def __init__(self, next_url: str):
        super().__init__(next_url)
        self.next_url = next_url


def user_of(request: Request) -> User | None:
    """The signed-in user, or None (blocking: call from a sync route or a thread)."""
    return sessions.load_user(request.app.state.db, sessions.of(request))


def is_htmx(request: Request) -> bool:
    """An htmx request: the answer is a fragment to swap in, not a whole page."""
    return request.headers.get("hx-request") == "true"


def client_ip(request: Request) -> str:
    """The client's address: the connection's peer, never a header. Behind the reverse proxies
    named in ``DAILYPAPERS_TRUSTED_PROXIES``, uvicorn puts their ``X-Forwarded-For`` client here
    (``dailypapers serve`` configures it); from anyone else the header is ignored."""
    return request.client.host if request.client else "unknown"


async def viewer(request: Request) -> User | None:
    """Dependency: the signed-in user or None, without blocking the event loop."""
    session = getattr(request.state, "session", None)
    if session is None or not session.signed_in:
        return None
    if session.loaded:
        return session.user
    return await run_in_threadpool(user_of, request)


async def signed_in(request: Request) -> User:
    """Dependency for the pages of one's own (settings, submit): the signed-in user; a
    signed-out visitor is sent to sign in and back (SignInRequired)."""
    user = await viewer(request)
    if user is None:
        raise SignInRequired(await return_to(request))
    return user


async def acting_user(request: Request) -> User:
    """Dependency for actions (vote, comment, submit): a signed-in user and a valid CSRF token.

    Without a user this raises SignInRequired first, so a signed-out visitor is sent to sign in
    (and back) rather than shown a token error.
    """
    user = await signed_in(request)
    await csrf.verify(request)
    return user


async def return_to(request: Request) -> str:
    """Where to come back to after signing in: the form's ``next``, else the page it came from."""
    candidate = None
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get("next")
            candidate = value if isinstance(value, str) else None
    if not candidate:
        referer = request.headers.get("referer") or request.headers.get("hx-current-url")
        try:
            parts = urlsplit(referer) if referer else None
        except ValueError:  # not a URL ("http://["): anyone can send any header
            parts = None
        if parts and parts.netloc == request.url.netloc:
            candidate = parts.path + (f"?{parts.query}" if parts.query else "")
    if not candidate and request.method == "GET":
        candidate = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return safe_next(candidate)


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` if it is a path on this site, else ``default`` (no open redirects).

    Accepts ``/path?query#fragment``; refuses absolute URLs, scheme-relative ``//host``,
    backslash tricks (``/\\host``), control characters and over-long values.
    """
    if not value or len(value) > 2000 or not value.startswith("/"):
        return default
    if value.startswith(("//", "/\\")) or any(ord(ch) < 32 or ch == "\\" for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    return value


# The parameters of a route for an action: who acts (signed in, with a valid CSRF token), and
# ``next``, where the reader goes on to (as long as safe_next lets it: the one spelling of its
# limit is there).
ActingUser = Annotated[User, Depends(acting_user)]
SignedIn = Annotated[User, Depends(signed_in)]
NextField = Annotated[str, Form(max_length=2000)]
NextQuery = Annotated[str, Query(max_length=2000)]


@dataclass(frozen=True)
class PaperAction:
    """What a route acting on one paper (``/papers/{arxiv_id}/...``) is given: the request, the
    arXiv id its path names, and the signed-in reader who acts."""

    request: Request
    arxiv_id: str
    user: User


async def _paper_action(request: Request, arxiv_id: str, user: ActingUser) -> PaperAction:
    return PaperAction(request, arxiv_id, user)


OnPaper = Annotated[PaperAction, Depends(_paper_action)]


def sign_in_url(next_url: str) -> str:
    return "/signin?next=" + quote(safe_next(next_url), safe="/")


def own_page(router: APIRouter, path: str, page: Callable[[Request, User], Response]) -> None:
    """Serve ``page(request, user)`` at ``path`` (GET and HEAD) to the signed-in reader (anyone
    else is sent to sign in), in the thread pool: a page of one's own reads the database."""

    async def serve(request: Request, user: SignedIn) -> Response:
        return await run_in_threadpool(page, request, user)

    router.add_api_route(path, serve, methods=["GET", "HEAD"], name=page.__module__ + path)
