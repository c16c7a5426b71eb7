"""CSRF protection for every state-changing request the site's pages make.

The token is per session: an HMAC of the session's random token under the site's key
(:meth:`SessionCodec.csrf_token`), so nothing extra is stored and signing in (which replaces the
session token) replaces it too. Forms carry it in a hidden ``csrf_token`` field; htmx requests
also send it in the ``X-CSRF-Token`` header (``hx-headers`` on ``<body>``). The check runs on every
POST/PUT/PATCH/DELETE route of the site through :func:`protect` (or ``auth.acting_user``, which
calls it after making sure someone is signed in). SameSite=Lax cookies are a second line.

Requests authenticated by an ``Authorization: Bearer`` token (the JSON API) carry no cookie and
are not exposed to CSRF; endpoints that must accept cookie-less POSTs from elsewhere (RFC 8058
one-click unsubscribe) mark themselves with :func:`exempt`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request

from dailypapers.web.plumbing import sessions

HEADER = "x-csrf-token"
FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})

F = TypeVar("F", bound=Callable)


class CsrfFailed(Exception):
    """The request carried no CSRF token, or not this session's."""


async def verify(request: Request) -> None:
    """Raise CsrfFailed unless the request carries this session's token (header or form)."""
    if request.method not in UNSAFE:
        return
    expected = sessions.of(request).csrf_token_if_any()
    supplied = request.headers.get(HEADER)
    if not supplied:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(FIELD)
            supplied = value if isinstance(value, str) else None
    # Compared as bytes: compare_digest refuses str with non-ASCII characters, which anyone can
    # send.
    if (
        not expected
        or not supplied
        or not hmac.compare_digest(expected.encode(), supplied.encode("utf-8", "surrogatepass"))
    ):
        raise CsrfFailed()


async def protect(request: Request) -> None:
    """FastAPI dependency form of :func:`verify` for forms that need no signed-in user."""
    await verify(request)


def exempt(endpoint: F) -> F:
    """Mark a POST endpoint that is deliberately reachable without a CSRF token."""
    endpoint.csrf_exempt = True  # type: ignore[attr-defined]
    return endpoint
