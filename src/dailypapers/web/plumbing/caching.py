"""Answers reused for anonymous readers while the database is unchanged: pages and API bodies.

Most traffic is people reading without signing in; they all get the same answer for a URL until
something in the database changes. A :class:`ResponseCache` entry remembers the database's change
counter (:class:`~dailypapers.papers.changes.ChangeCounter`) it was computed at, and is reused
only while the counter is unchanged and for at most ``cache_seconds`` (which bounds what changes
without a write, such as trending's decay with time). The counter is read once per request,
*before* the data, so a write is always seen by the next request after its commit.

- Pages: :class:`PageCacheMiddleware` answers signed-out GETs from the cache before routing (the
  hot path of a busy site); entries are only ever stored by :func:`cached_page`, so it serves
  nothing a route would not. Signed-in readers never get cached pages (theirs show their votes).
- API and feeds: :func:`cached` wraps a route's computation, after its rate limit was counted;
  personal answers (``shareable=False``) are never stored.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cachetools import TTLCache
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from dailypapers.papers.changes import ChangeCounter
from dailypapers.web.plumbing import sessions
from dailypapers.web.plumbing.auth import user_of

GENERATION = "change_counter"  # scope state: the counter value this request read
PAGE_BYTES = 64 * 1024 * 1024  # rendered pages kept per worker (least recently used go first)
API_BYTES = 16 * 1024 * 1024  # API and feed bodies kept per worker


@dataclass(frozen=True, slots=True)
class Entry:
    generation: object
    value: Any
    size: int


class ResponseCache:
    """A bounded cache of values keyed by URL, valid while the change counter is unchanged."""

    def __init__(self, counter: ChangeCounter, seconds: float, max_bytes: int):
        self.counter = counter
        self.enabled = seconds > 0 and counter.usable
        self._entries: TTLCache[str, Entry] = TTLCache(
            maxsize=max_bytes, ttl=max(seconds, 1e-9), getsizeof=lambda entry: entry.size
        )
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str, generation: object) -> Any:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.generation != generation:
                self.misses += 1
                return None
            self.hits += 1
            return entry.value

    def put(self, key: str, generation: object, value: Any, size: int) -> None:
        with self._lock:
            if size <= self._entries.maxsize:
                self._entries[key] = Entry(generation, value, size)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


async def generation(scope: Scope, counter: ChangeCounter) -> object:
    """The change counter for this request, read once (on the event loop when that is cheap)."""
    state = scope.setdefault("state", {})
    if GENERATION not in state:
        state[GENERATION] = (
            counter.current() if counter.is_cheap else await run_in_threadpool(counter.current)
        )
    return state[GENERATION]


def _key(scope: Scope) -> str:
    query = scope["query_string"]
    return scope["path"] + ("?" + query.decode("latin-1") if query else "")


def _anonymous_page_request(scope: Scope) -> bool:
    session = sessions.of_scope(scope)
    return (
        scope["method"] in ("GET", "HEAD")
        and (session is None or not session.signed_in)
        and not any(name == b"hx-request" for name, _ in scope["headers"])
    )


class PageCacheMiddleware:
    def __init__(self, app: ASGIApp, cache: ResponseCache):
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not self.cache.enabled
            or not _anonymous_page_request(scope)
        ):
            await self.app(scope, receive, send)
            return
        found = self.cache.get(_key(scope), await generation(scope, self.cache.counter))
        if found is None:
            await self.app(scope, receive, send)
            return
        status, body = found
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-page-cache", b"hit"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


Build = Callable[[Any], Response]  # given the viewer (a User or None), the page


async def cached_page(request: Request, build: Build) -> Response:
    """``build(viewer)`` run in a thread; for signed-out readers stored in the page cache.

    Only complete 200 pages are stored, and only when building them set no cookie.
    """
    cache: ResponseCache = request.app.state.page_cache
    if not cache.enabled or not _anonymous_page_request(request.scope):
        return await run_in_threadpool(lambda: build(user_of(request)))
    key = _key(request.scope)
    counter_value = await generation(request.scope, cache.counter)
    found = cache.get(key, counter_value)
    if found is not None:  # not served by the middleware (a test app without it)
        status, body = found
        return HTMLResponse(body, status_code=status, headers={"x-page-cache": "hit"})
    response = await run_in_threadpool(build, None)
    if response.status_code == 200 and not sessions.of(request).dirty:
        body = bytes(response.body)
        cache.put(key, counter_value, (response.status_code, body), len(body))
    response.headers["x-page-cache"] = "miss"
    return response


async def cached(
    request: Request,
    compute: Callable[[], Any],
    *,
    size: Callable[[Any], int],
    shareable: bool = True,
) -> tuple[Any, str]:
    """(``compute()`` run in a thread, or its earlier value for this URL while the database is
    unchanged; "hit", "miss" or "off"). ``shareable=False`` (a personal answer) always computes."""
    cache: ResponseCache = request.app.state.api_cache
    if not (shareable and cache.enabled):
        return await run_in_threadpool(compute), "off"
    key = _key(request.scope)
    counter_value = await generation(request.scope, cache.counter)
    found = cache.get(key, counter_value)
    if found is not None:
        return found, "hit"
    value = await run_in_threadpool(compute)
    cache.put(key, counter_value, value, size(value))
    return value, "miss"
