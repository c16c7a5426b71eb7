"""Small pure-ASGI middleware: how long the app took, in a ``Server-Timing`` header."""

from __future__ import annotations

import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ServerTiming:
    """Adds ``Server-Timing: app;dur=<ms>`` (time to the response's first byte) to every reply.

    Browsers' dev tools show it, and ``bench/pages.py`` reads it to measure server time apart
    from the client's own overhead.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def send_timed(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - start) * 1000
                MutableHeaders(scope=message).append("server-timing", f"app;dur={elapsed:.2f}")
            await send(message)

        await self.app(scope, receive, send_timed)
