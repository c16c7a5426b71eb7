"""Outgoing HTTP for the network sources: retries with backoff, Retry-After, polite spacing.

Every network source asks through a :class:`Fetcher` (one httpx client per run). A 5xx answer or a
network failure is retried ``RETRIES`` times, waiting ``BACKOFF`` seconds and twice as long
after each further failure; a 503 (or 429) with ``Retry-After`` waits what the server asked,
unless that is longer than ``MAX_RETRY_AFTER``. Any other
answer (200, 400, 404...) goes back to the source, which knows what the body means. Waits run on a
stop event so a scheduler can end a harvest promptly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from dailypapers.config import Settings

log = logging.getLogger(__name__)

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
# A minute covers arXiv's slowest pages (OAI-PMH pages of 1,000 records) with room to spare.
TIMEOUT = 60.0
# Four retries with a doubling backoff from 2 s span about 30 s: long enough to ride out a
# restart of the far side, short enough that a harvest run fails soon when a source is down.
RETRIES = 4
BACKOFF = 2.0
# arXiv's OAI-PMH asks for waits of seconds to a few minutes; a longer ask means "not today":
# the run gives up and the scheduler tries again later.
MAX_RETRY_AFTER = 300.0


class SourceError(Exception):
    """A source could not be reached or refused the request; the message says what and where."""


class Unreachable(SourceError):
    """No connection could be made at all (refused, no route, name unknown): the host is down
    or we are offline, so asking it for anything else now is pointless."""


class Cancelled(Exception):
    """The harvest was asked to stop (the scheduler is shutting down)."""


class Throttle:
    """One request at a time from this process, ``delay`` seconds after the previous one ended.

    Counting from the end of the previous answer (not its start) keeps the spacing the server
    sees at least ``delay``, however long answers take.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = 0.0

    @contextmanager
    def slot(self, delay: float, stop: threading.Event | None = None) -> Iterator[None]:
        with self._lock:
            pause = self._next - time.monotonic()
            if pause > 0:
                _sleep(pause, stop)
            try:
                yield
            finally:
                self._next = time.monotonic() + delay


class Fetcher:
    """GET with retries for one harvest run; use as a context manager (closes the client)."""

    def __init__(
        self,
        settings: Settings,
        *,
        throttle: Throttle | None = None,
        delay: float = 0.0,
        stop: threading.Event | None = None,
    ):
        self.settings = settings
        self.throttle = throttle
        self.delay = delay
        self.stop = stop
        self.client = httpx.Client(
            timeout=TIMEOUT,
            headers={"User-Agent": settings.user_agent},
            follow_redirects=True,
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def url_of(self, url: str, params: dict[str, Any] | None = None) -> str:
        """The full URL a request would go to (for messages naming it)."""
        return str(self.client.build_request("GET", url, params=params).url)

    def get(self, url: str, params: dict[str, Any] | None = None) -> httpx.Response:
        """The first answer that is not a retryable failure; SourceError when retries run out."""
        full_url = self.url_of(url, params)
        attempt = 0
        while True:
            if self.stop is not None and self.stop.is_set():
                raise Cancelled(full_url)
            try:
                with self.throttle.slot(self.delay, self.stop) if self.throttle else nullcontext():
                    response = self.client.get(url, params=params)
            except httpx.TransportError as error:
                problem = _describe(error)
                pause = BACKOFF * 2**attempt
                unreachable = isinstance(error, httpx.ConnectError)
            else:
                if response.status_code not in RETRIED_STATUSES:
                    return response
                problem = f"HTTP {response.status_code} {response.reason_phrase}".strip()
                unreachable = False
                asked = retry_after(response)
                if asked is not None and asked > MAX_RETRY_AFTER:
                    raise SourceError(
                        f"{full_url}: {problem}, asked to retry after {asked:.0f} s, longer than "
                        f"the {MAX_RETRY_AFTER:.0f} s this harvester waits; giving up for this run"
                    )
                pause = asked if asked is not None else BACKOFF * 2**attempt
            if attempt >= RETRIES:
                tries = f"{attempt + 1} attempt{'s' if attempt else ''}"
                raise (Unreachable if unreachable else SourceError)(
                    f"{full_url}: {problem} ({tries})"
                )
            attempt += 1
            log.info(
                "%s: %s; retrying in %.1f s (%d/%d)", full_url, problem, pause, attempt, RETRIES
            )
            _sleep(pause, self.stop)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _sleep(seconds: float, stop: threading.Event | None) -> None:
    if stop is None:
        time.sleep(seconds)
    elif stop.wait(seconds):
        raise Cancelled("stopped while waiting")


def _describe(error: httpx.TransportError) -> str:
    kind = {
        httpx.ConnectError: "cannot connect",
        httpx.ConnectTimeout: "connection timed out",
        httpx.ReadTimeout: "no answer in time",
        httpx.WriteTimeout: "timed out sending",
        httpx.PoolTimeout: "timed out waiting for a connection",
        httpx.RemoteProtocolError: "the server broke the connection",
    }.get(type(error), type(error).__name__)
    detail = str(error).strip()
    return f"{kind} ({detail})" if detail else kind
