"""A small per-process cache of rendered pages for signed-out readers, keyed by the latest write.

Most traffic is people reading the feed without signing in; they all get the same HTML for a URL
until something in the database changes. Each entry remembers the database *generation* it was
rendered at; a lookup first reads the current generation and reuses the entry only if it is the
same and younger than ``page_cache_seconds`` (which bounds what changes without a write, such as
trending's decay with time). Reading the generation *before* the data means an entry can only be
newer than its key, never older, so a write is always seen by the next request after its commit.

The generation is cheap on both backends:

- SQLite: ``PRAGMA data_version`` on a private connection that never writes; it moves whenever
  any other connection, in this process or another, commits (about 3 µs).
- PostgreSQL: ``site_generation.n``, bumped by statement triggers inside every writing
  transaction on the tables pages show (migration 0002), so it becomes visible with the data.
  Reading it is a network round trip, which would cap a worker at about a thousand cached pages
  a second; so each worker re-reads it at most every ``recheck`` seconds
  (``DAILYPAPERS_PAGE_CACHE_RECHECK_SECONDS``) and a signed-out reader may see a page up to that
  much older than the newest write. The order "generation before data" still holds.

Signed-in readers never use the cache (their pages show their own votes and forms).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from dailypapers.db.engine import Database
from dailypapers.web import sessions
from dailypapers.web.auth import user_of
from dailypapers.web.templating import SECURITY_HEADERS


@dataclass
class Entry:
    body: bytes
    status_code: int
    generation: object
    stored_at: float
    raw_headers: list[tuple[bytes, bytes]]  # ready for ASGI's http.response.start


_HIT_HEADERS = [
    (b"content-type", b"text/html; charset=utf-8"),
    *((name.encode(), value.encode()) for name, value in SECURITY_HEADERS.items()),
    (b"x-page-cache", b"hit"),
]


class PageCache:
    def __init__(self, db: Database, max_age: float, *, max_bytes: int = 64 * 1024 * 1024,
                 recheck: float = 0.0):
        self.db = db
        self.max_age = max_age
        self.recheck = recheck  # PostgreSQL: seconds a read generation is trusted
        self._remote: tuple[object, float] | None = None  # (generation, when it was read)
        self.max_bytes = max_bytes  # least recently used pages go first past this size
        self._bytes = 0
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        self._sqlite_path: str | None = None
        self.enabled = max_age > 0
        self.hits = self.misses = 0
        if self.enabled and db.is_sqlite:
            path = db.engine.url.database
            if not path or path == ":memory:":
                self.enabled = False  # a private connection would see another database
            else:
                self._sqlite_path = path

    @property
    def generation_is_cheap(self) -> bool:
        """True when :meth:`generation` does no network round trip (fine on the event loop)."""
        if self._sqlite_path is not None:
            return True
        remote = self._remote
        return remote is not None and time.monotonic() - remote[1] < self.recheck

    def generation(self) -> object:
        if self._sqlite_path is not None:
            with self._lock:
                if self._sqlite is None:
                    # data_version values are per connection: a new one starts a new series.
                    self._entries.clear()
                    self._bytes = 0
                    self._sqlite = sqlite3.connect(self._sqlite_path, check_same_thread=False,
                                                   isolation_level=None)
                return self._sqlite.execute("PRAGMA data_version").fetchone()[0]
        remote = self._remote
        if remote is not None and time.monotonic() - remote[1] < self.recheck:
            return remote[0]
        read_at = time.monotonic()  # before the read: the value is at least this fresh
        with self.db.engine.connect() as conn:
            value = conn.execute(text("SELECT n FROM site_generation WHERE id = 1")).scalar()
        self._remote = (value, read_at)
        return value

    def get(self, key: str, generation: object) -> Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.generation != generation or (
                time.monotonic() - entry.stored_at > self.max_age
            ):
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: str, generation: object, body: bytes, status_code: int) -> None:
        with self._lock:
            headers = [*_HIT_HEADERS, (b"content-length", str(len(body)).encode())]
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = Entry(body, status_code, generation, time.monotonic(), headers)
            self._bytes += len(body)
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped.body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def close(self) -> None:
        """Close the private connection (reopened if the cache is used again)."""
        with self._lock:
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None


# -- serving a page through the cache ---------------------------------------------------------------

Build = Callable[[dict[str, Any] | None], Response]
GENERATION = "page_cache_generation"  # scope state: the generation a miss was looked up at


class PageCacheMiddleware:
    """Answers signed-out GETs from the cache before routing (the hot path of a busy site).

    Entries are only ever stored by :func:`cached_page`, so this serves nothing a route would
    not. On a miss it leaves the generation it read in the scope, so the route renders under
    the generation read *before* its data.
    """

    def __init__(self, app: ASGIApp, cache: PageCache):
        self.app = app
        self.cache = cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET" or not self.cache.enabled
                or scope["state"]["session"].signed_in
                or any(name == b"hx-request" for name, _ in scope["headers"])):
            await self.app(scope, receive, send)
            return
        query = scope["query_string"]
        key = scope["path"] + ("?" + query.decode("latin-1") if query else "")
        if self.cache.generation_is_cheap:
            generation = self.cache.generation()
        else:
            generation = await run_in_threadpool(self.cache.generation)
        entry = self.cache.get(key, generation)
        if entry is None:
            scope["state"][GENERATION] = generation
            await self.app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": entry.status_code,
                    "headers": entry.raw_headers})
        await send({"type": "http.response.body", "body": entry.body})


async def cached_page(request: Request, build: Build) -> Response:
    """``build(user)`` (blocking, run in a thread), served from the cache for signed-out readers.

    Only complete 200 pages are stored, and only when building them set no cookie.
    """
    session = sessions.of(request)
    cache: PageCache = request.app.state.page_cache
    if session.signed_in or not cache.enabled or request.headers.get("hx-request"):
        return await run_in_threadpool(_build_for_viewer, request, build)
    query = request.scope["query_string"]
    key = request.scope["path"] + ("?" + query.decode("latin-1") if query else "")
    generation = getattr(request.state, GENERATION, _UNSET)
    if generation is _UNSET:  # not looked up by the middleware (it is not installed)
        if cache.generation_is_cheap:
            generation = cache.generation()
        else:
            generation = await run_in_threadpool(cache.generation)
        entry = cache.get(key, generation)
        if entry is not None:
            return HTMLResponse(entry.body, status_code=entry.status_code,
                                headers={**SECURITY_HEADERS, "x-page-cache": "hit"})
    response = await run_in_threadpool(build, None)
    if response.status_code == 200 and not session.dirty:
        cache.put(key, generation, bytes(response.body), response.status_code)
    response.headers["x-page-cache"] = "miss"
    return response


_UNSET = object()


def _build_for_viewer(request: Request, build: Build) -> Response:
    return build(user_of(request))
