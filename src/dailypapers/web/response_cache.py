"""A short-lived in-process cache of rendered anonymous answers (API lists, feeds).

The daily list is read far more often than it changes: reusing its bytes for a couple of seconds
takes a request from a query plus JSON encoding down to a dictionary lookup. Entries expire after
``seconds``; any state-changing request handled by this worker clears everything at once (see
``install``), so a client that writes and then reads sees its write. Other workers and importers
become visible within ``seconds``. Only answers that are the same for every anonymous caller are
cached; personal ones (``upvoted`` flags of a signed-in caller) never are.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ResponseCache:
    def __init__(self, seconds: float, *, max_entries: int = 1024,
                 clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.max_entries = max_entries
        self.clock = clock
        self._entries: OrderedDict[str, tuple[float, Any]] = OrderedDict()

    def get(self, key: str) -> Any:
        if self.seconds <= 0:
            return None
        found = self._entries.get(key)
        if found is None:
            return None
        expires, body = found
        if self.clock() >= expires:
            self._entries.pop(key, None)
            return None
        return body

    def put(self, key: str, body: Any) -> None:
        if self.seconds <= 0:
            return
        self._entries[key] = (self.clock() + self.seconds, body)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


def key_of(request: Request) -> str:
    return f"{request.url.path}?{request.url.query}"


class ClearAfterWrites:
    """ASGI middleware: clear the cache when a state-changing request answers (before the
    answer leaves, so a client that reads right after its write cannot get the old bytes) and
    again when it ends (in case a concurrent read cached the state before the commit)."""

    def __init__(self, app: ASGIApp, cache: ResponseCache):
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return

        async def send_after_clearing(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.cache.clear()
            await send(message)

        try:
            await self.app(scope, receive, send_after_clearing)
        finally:
            self.cache.clear()
