"""The security headers every response carries, set in one place.

:class:`SecurityHeaders` wraps the whole app, so HTML pages, htmx fragments, cached pages, JSON,
feeds, static files, error pages and ``/docs`` all get the same policy:

- ``Content-Security-Policy``: scripts and styles only from this site (htmx, KaTeX and Swagger
  UI are vendored under /static; KaTeX sets inline styles on the math it draws), no plugins,
  no framing (``frame-ancestors 'none'``), forms post only here;
- ``X-Content-Type-Options: nosniff`` (JSON and feeds are never read as HTML),
  ``Referrer-Policy: same-origin``, ``X-Frame-Options: DENY`` for older browsers;
- ``Strict-Transport-Security`` when the site's base URL is https.

(``Server-Timing`` is the metrics middleware's, :mod:`dailypapers.web.plumbing.metrics`, which
times every request anyway.)
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
# A year, as browsers' preload lists ask; sent only when the site is served over https.
HSTS = "max-age=31536000; includeSubDomains"
# For pages that show a secret once or a person's own settings: never kept by a cache.
NO_STORE = {"Cache-Control": "no-store"}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, https: bool):
        self.app = app
        self.headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        if https:
            self.headers.append((b"strict-transport-security", HSTS.encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers:
                    if name.decode() not in headers:
                        headers.raw.append((name, value))
            await send(message)

        await self.app(scope, receive, send_with_headers)
