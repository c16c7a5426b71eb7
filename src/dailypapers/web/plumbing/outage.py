"""While the database cannot be reached, every request gets a 503 with ``Retry-After``, never a
500 and never a traceback in the log (the database logs one line when an outage begins and one
when it ends: :mod:`dailypapers.operations.outage`).

The answer is in the form the client asked for: the JSON error body under ``/api/`` and
``/feeds/`` (like every API error), the error page for a browser (rendered without the
database: the header shows no one signed in), a line of text for anything else. The middleware
sits outside the session and the page cache, which read the database too.
"""

from __future__ import annotations

from contextlib import suppress

from fastapi import Request
from fastapi.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dailypapers.operations import outage
from dailypapers.web.plumbing.errors import json_error, render_error, wants_json

# A PostgreSQL restart takes a few seconds; asking clients back sooner would only add load
# while it starts, much later would keep readers away after it is back.
RETRY_AFTER_SECONDS = 5
MESSAGE = "The database is unreachable right now; please try again in a few seconds."


class DatabaseOutage:
    def __init__(self, app: ASGIApp, db: object):
        self.app = app
        self.db = db

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_watched)
        except Exception as error:
            if started or not outage.noticed(self.db, error):
                raise
            await unavailable(Request(scope))(scope, receive, send)


def unavailable(request: Request) -> Response:
    """The 503 of an outage, as the client asked for it."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    if wants_json(request):
        return json_error(503, MESSAGE, None, headers)
    if "text/html" in request.headers.get("accept", ""):
        with suppress(Exception):  # should the page fail too, the line of text still answers
            return render_error(request, 503, MESSAGE, title="Back in a moment", headers=headers)
    return PlainTextResponse(MESSAGE + "\n", status_code=503, headers=headers)
