"""A per-process cache of rendered anonymous answers (API lists, feeds), keyed by the latest write.

The daily list is read far more often than it changes: reusing its bytes takes a request from a
query plus JSON encoding down to a dictionary lookup. Like the site's page cache (and through
its mechanism, :class:`dailypapers.web.pagecache.PageCache`), each entry remembers the database
*generation* it was computed at and is reused only while that is still the generation and for
at most ``seconds`` (which bounds what changes without a write, such as trending's decay). The
generation is read *before* the data, so a write committed by any worker or importer is seen by
the next request. Only answers that are the same for every anonymous caller are cached; personal
ones (the ``upvoted`` flags of a token's user) never are.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from dailypapers.db.engine import Database
from dailypapers.web.pagecache import GENERATION, PageCache


class ResponseCache:
    def __init__(self, db: Database, seconds: float, page_cache: PageCache | None = None, *,
                 max_entries: int = 1024):
        self.seconds = seconds
        self.max_entries = max_entries
        # The page cache's generation when it runs (the middleware has then already read it for
        # this request); a private reader of the same kind otherwise.
        self.shares_page_cache = page_cache is not None and page_cache.enabled
        self.generations = page_cache if self.shares_page_cache else PageCache(db, seconds)
        self.enabled = seconds > 0 and self.generations.enabled
        self._entries: OrderedDict[str, tuple[object, float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    async def generation(self, request: Request) -> object:
        if self.shares_page_cache:
            known = request.scope.get("state", {}).get(GENERATION)
            if known is not None:
                return known
        if self.generations.generation_is_cheap:
            return self.generations.generation()
        return await run_in_threadpool(self.generations.generation)

    def get(self, key: str, generation: object) -> Any:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            stored_generation, stored_at, value = found
            if stored_generation != generation or time.monotonic() - stored_at > self.seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def put(self, key: str, generation: object, value: Any) -> None:
        with self._lock:
            self._entries[key] = (generation, time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def close(self) -> None:
        if not self.shares_page_cache:
            self.generations.close()


def key_of(request: Request) -> str:
    return f"{request.url.path}?{request.url.query}"


async def cached(request: Request, compute: Any, *,
                 shareable: bool = True) -> tuple[Any, str]:
    """(``compute()`` run in a thread, or its earlier value for this URL while the database is
    unchanged; "hit", "miss" or "off"). ``shareable=False`` (a personal answer) always computes."""
    cache: ResponseCache = request.app.state.api_cache
    if not (shareable and cache.enabled):
        return await run_in_threadpool(compute), "off"
    key = key_of(request)
    generation = await cache.generation(request)
    value = cache.get(key, generation)
    if value is not None:
        return value, "hit"
    value = await run_in_threadpool(compute)
    cache.put(key, generation, value)
    return value, "miss"
