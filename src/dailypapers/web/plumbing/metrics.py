"""Prometheus metrics: requests and their latency by route template, and the site's gauges.

:class:`RequestMetrics` (one middleware, beside the headers one) counts every answer by the
route's template (``/papers/{arxiv_id:arxiv_id}``), never the raw path, so the labels stay
bounded whatever addresses clients invent; a page the cache answered before routing is
``(page cache)``, an address no route matches ``(unmatched)``, a method no route has ``OTHER``.
It also tells the client its time: ``Server-Timing: app;dur=<ms>`` (to the first byte), which
browsers' dev tools show and ``bench/pages.py`` reads.

Several workers: with ``PROMETHEUS_MULTIPROC_DIR`` set (the systemd unit sets it),
prometheus-client keeps each worker's counters in files there and any worker's scrape adds them
all up; without it each worker reports its own. The gauges (outboxes, harvest age, index lag)
are shared state: :func:`exposition` reads them from the database at each scrape.
"""

from __future__ import annotations

import os
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dailypapers.operations.records import SiteGauges

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
PAGE_CACHE = "(page cache)"
UNMATCHED = "(unmatched)"
# Renders take a millisecond or two, searches tens, a slow harvest-time page a second: buckets
# from 1 ms to 10 s resolve all of them (13 buckets per route keep a scrape small).
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "dailypapers_http_requests",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
    registry=None,
)
LATENCY = Histogram(
    "dailypapers_http_request_duration_seconds",
    "Time from a request's arrival to its last byte, by route template.",
    ["route"],
    buckets=BUCKETS,
    registry=None,
)


# The labelled children, found once: prometheus-client's labels() checks and locks at each call,
# which costs more than counting itself. Bounded as the labels are.
_counted: dict[tuple[str, str, int], Any] = {}
_timed: dict[str, Any] = {}


def _count(route: str, method: str, status: int, seconds: float) -> None:
    key = (route, method, status)
    counter = _counted.get(key)
    if counter is None:
        counter = _counted[key] = REQUESTS.labels(route, method, str(status))
    timer = _timed.get(route)
    if timer is None:
        timer = _timed[route] = LATENCY.labels(route)
    counter.inc()
    timer.observe(seconds)


class RequestMetrics:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500  # what the client gets when the app fails before answering

        async def send_counted(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                if (b"x-page-cache", b"hit") in message.get("headers", ()):
                    scope["route_label"] = PAGE_CACHE
                elapsed = (time.perf_counter() - start) * 1000
                MutableHeaders(scope=message).append("server-timing", f"app;dur={elapsed:.2f}")
            await send(message)

        try:
            await self.app(scope, receive, send_counted)
        finally:
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            _count(_route_of(scope), method, status, time.perf_counter() - start)


def _route_of(scope: Scope) -> str:
    label = scope.get("route_label")
    if label is not None:
        return label
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class _Gauges(Collector):
    def __init__(self, gauges: SiteGauges | None):
        self.gauges = gauges

    def collect(self):
        found = self.gauges
        up = GaugeMetricFamily(
            "dailypapers_database_up", "1 when the database answered this scrape, else 0."
        )
        up.add_metric([], 0 if found is None else 1)
        yield up
        if found is None:
            return
        outbox = GaugeMetricFamily(
            "dailypapers_outbox_depth", "Messages waiting to be sent, by outbox.", labels=["outbox"]
        )
        outbox.add_metric(["mail"], found.mail_outbox)
        outbox.add_metric(["webhooks"], found.webhook_outbox)
        yield outbox
        age = GaugeMetricFamily(
            "dailypapers_harvest_age_seconds",
            "Seconds since the newest successful harvest of each source (absent: never).",
            labels=["source"],
        )
        for source, seconds in sorted(found.harvest_age.items()):
            if seconds is not None:
                age.add_metric([source], seconds)
        yield age
        lag = GaugeMetricFamily(
            "dailypapers_index_lag_papers",
            "Papers a search index does not hold yet, by index.",
            labels=["index"],
        )
        lag.add_metric(["semantic"], found.papers_without_embedding)
        lag.add_metric(["keyword"], found.papers_not_in_keyword_index)
        yield lag


def exposition(gauges: SiteGauges | None) -> bytes:
    """The scrape: every worker's request metrics (or this one's) and the gauges (None: the
    database did not answer)."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(_Gauges(gauges))
    return generate_latest(registry)
