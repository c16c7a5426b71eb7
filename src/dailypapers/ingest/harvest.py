"""Harvesting the network sources into the store: windows, leases, resumable OAI-PMH, status.

Plain functions, safe to re-run; ``dailypapers harvest``, its ``--loop`` and the scheduler in
``dailypapers serve`` all call :func:`harvest` or :func:`run_due`. Each source run:

1. takes the source's lease (``store.harvest.claim``: a conditional UPDATE), so two workers
   never harvest the same source at once; a lease not renewed for :data:`LEASE` expires;
2. harvests a window of days: the one asked for, else from the day of the last success to
   today, else the last ``harvest_first_days`` days;
3. feeds the records to the pipeline (the only path into the store) and records success (next
   run after ``harvest_interval``) or the error (retried after ``harvest_retry_interval``).

OAI-PMH lists are resumable: after each page is stored, the resumption token and the list's
parameters are saved; a later run with the same parameters continues from there, and an expired
token (badResumptionToken) restarts that list from its start.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.ingest import arxiv_api, oai_pmh, upstream_http
from dailypapers.ingest.http import Cancelled, Fetcher, SourceError
from dailypapers.ingest.pipeline import ImportSummary, Pipeline
from dailypapers.ingest.records import Item
from dailypapers.store import harvest as harvest_store
from dailypapers.store import papers as paper_store

log = logging.getLogger(__name__)

SOURCES = ("upstream", "oai-pmh", "arxiv-api")
LEASE = timedelta(minutes=10)
LEASE_POLL = 30.0  # seconds between looks at a source another worker is harvesting
ARXIV_API_LIMIT = 10_000  # results one arxiv-api window may page through
# A failed source is tried again after ten minutes: soon enough to catch up the same hour, rare
# enough not to hammer a source that is down.
RETRY_INTERVAL = 600.0
# A new site harvests the last week at once: enough to show days, weeks and trending.
FIRST_DAYS = 7

Clock = Callable[[], datetime]
# progress(source, how many more records are done, the source's total when known)
Progress = Callable[[str, int, int | None], None]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class SourceResult:
    source: str
    start: date | None = None
    end: date | None = None
    summary: ImportSummary = field(default_factory=ImportSummary)
    error: str | None = None  # the run failed (nothing or only part landed)
    skipped: str | None = None  # the run did not start (another worker holds the lease)
    problems: list[str] = field(default_factory=list)  # parts that failed (upstream days)

    @property
    def ok(self) -> bool:
        return self.error is None and self.skipped is None


@dataclass
class _Run:
    settings: Settings
    db: Database
    source: str
    owner: str
    pipeline: Pipeline
    http: Fetcher
    clock: Clock
    progress: Progress
    result: SourceResult

    def store_records(self, items: Iterator[Item] | list[Item]) -> None:
        summary = self.pipeline.run(items, progress=lambda n: self.progress(self.source, n, None))
        self.result.summary.add(summary)

    def renew_lease(self) -> None:
        with self.db.write() as conn:
            harvest_store.renew(conn, self.source, self.owner, self.clock() + LEASE)


def new_owner() -> str:
    """A lease owner name unique to this call: host, process and a random part."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def harvest(
    db: Database,
    settings: Settings,
    sources: list[str] | None = None,
    *,
    start: date | None = None,
    end: date | None = None,
    pipeline: Pipeline | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    clock: Clock = utc_now,
    owner: str | None = None,
) -> list[SourceResult]:
    """Harvest each source (default: ``settings.harvest_sources``) for a window of days."""
    sources = list(settings.harvest_sources if sources is None else sources)
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown harvest source(s) {unknown}; known: {', '.join(SOURCES)}")
    one = partial(
        harvest_source,
        db,
        settings,
        start=start,
        end=end,
        progress=progress,
        stop=stop,
        clock=clock,
        pipeline=pipeline or Pipeline(db),  # one pipeline and one owner for every source
        owner=owner or new_owner(),
    )
    return [one(source) for source in sources]


def harvest_source(
    db: Database,
    settings: Settings,
    source: str,
    *,
    start: date | None = None,
    end: date | None = None,
    pipeline: Pipeline,
    owner: str,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    clock: Clock = utc_now,
) -> SourceResult:
    now = clock()
    with db.write() as conn:
        claimed = harvest_store.claim(conn, source, owner, now + LEASE, now)
        state = harvest_store.get(conn, source) or {}
    result = SourceResult(source)
    if not claimed:
        result.skipped = f"another worker ({state.get('lease_owner')}) is harvesting it"
        return result
    result.start, result.end = window(settings, state, start, end, now.date())
    http = (
        arxiv_api.fetcher(settings, stop=stop)
        if source == "arxiv-api"
        else Fetcher(settings, stop=stop)
    )
    run = _Run(
        settings, db, source, owner, pipeline, http, clock, progress or (lambda *_: None), result
    )
    try:
        if _run_source(run, result):
            _finish(db, settings, source, result, clock)
    finally:  # even on Ctrl-C: another worker may take the source at once
        http.close()
        with db.write() as conn:
            harvest_store.release(conn, source, owner)
    return result


def _run_source(run: _Run, result: SourceResult) -> bool:
    """Run the source's harvest, recording its error; False when it was stopped midway."""
    try:
        log.info("harvesting %s for %s..%s", run.source, result.start, result.end)
        RUNNERS[run.source](run, result.start, result.end)
    except SourceError as error:
        result.error = str(error)
    except Cancelled:
        result.error = "stopped before the end; the next run goes on"
        return False
    except Exception as error:  # a bug or a database error: record it, keep others going
        log.exception("harvest of %s broke", run.source)
        result.error = f"unexpected {type(error).__name__}: {error}"
    return True


def _finish(
    db: Database, settings: Settings, source: str, result: SourceResult, clock: Clock
) -> None:
    """Record the run's outcome and when the source is due again (sooner after a failure)."""
    finished = clock()
    wait = settings.harvest_interval if result.error is None else RETRY_INTERVAL
    with db.write() as conn:
        harvest_store.finish(
            conn,
            source,
            now=finished,
            error=result.error,
            next_run_at=finished + timedelta(seconds=wait),
        )
    if result.error:
        log.warning("harvest of %s failed: %s (next try in %.0f s)", source, result.error, wait)


def window(
    settings: Settings, state: dict[str, Any], start: date | None, end: date | None, today: date
) -> tuple[date, date]:
    """The days to harvest: as asked, else since the last success, else the first-run days;
    never past ``today`` (nothing is published later, and a far end such as 9999-12-31 would
    walk the calendar to where the next day does not exist)."""
    end = min(end or today, today)
    if start is None:
        last = state.get("last_success_at")
        start = last.date() if last else today - timedelta(days=FIRST_DAYS - 1)
    return min(start, end), end


def run_due(
    db: Database,
    settings: Settings,
    *,
    first_start: bool = False,
    pipeline: Pipeline | None = None,
    stop: threading.Event | None = None,
    clock: Clock = utc_now,
    owner: str | None = None,
) -> list[SourceResult]:
    """Harvest the configured sources whose time has come (the scheduler's and --loop's step).

    On ``first_start`` with an empty store every source runs at once over the last
    ``harvest_first_days`` days, whatever its schedule says.
    """
    now = clock()
    sources = list(settings.harvest_sources)
    with db.read() as conn:
        empty = paper_store.count(conn) == 0
        due = harvest_store.due(conn, sources, now)
    start = None
    if first_start and empty:
        due = sources
        start = now.date() - timedelta(days=FIRST_DAYS - 1)
    if not due:
        return []
    return harvest(
        db, settings, due, start=start, pipeline=pipeline, stop=stop, clock=clock, owner=owner
    )


def seconds_until_due(db: Database, settings: Settings, clock: Clock = utc_now) -> float:
    """How long until the next configured source is due (0 when one is due now)."""
    now = clock()
    with db.read() as conn:
        states = harvest_store.many(conn, list(settings.harvest_sources))
    waits = []
    for source in settings.harvest_sources:
        state = states.get(source) or {}
        next_run, lease_until = state.get("next_run_at"), state.get("lease_until")
        wait = 0.0 if next_run is None else max(0.0, (next_run - now).total_seconds())
        if lease_until is not None and lease_until > now:
            # Another worker is on it: look again later rather than spin on the lease.
            wait = max(wait, min((lease_until - now).total_seconds(), LEASE_POLL))
        waits.append(wait)
    return min(waits, default=settings.harvest_interval)


# -- the three sources ---------------------------------------------------------------------------


def _upstream(run: _Run, start: date, end: date) -> None:
    days = list(upstream_http.days(start, end))

    def items() -> Iterator[Item]:
        for day in days:
            try:
                yield from upstream_http.fetch_day(run.settings, run.http, day)
            except upstream_http.DayUnavailable as error:
                run.result.problems.append(str(error))
                log.info("upstream day %s unavailable: %s", day, error)

    run.store_records(items())
    if days and len(run.result.problems) == len(days):
        more = len(days) - 1
        raise SourceError(
            f"no day could be fetched: {run.result.problems[0]}"
            + (f" (and {more} more day{'s' if more > 1 else ''})" if more else "")
        )


def _oai_pmh(run: _Run, start: date, end: date) -> None:
    settings = run.settings
    prefix = settings.oai_pmh_prefix
    # A window reaching today is left open: the repository's "today" may differ from ours.
    until = end if end < run.clock().date() else None
    for set_spec in settings.oai_pmh_sets or [None]:
        key = f"oai-pmh:{prefix}:{set_spec or '*'}"
        params = {
            "prefix": prefix,
            "set": set_spec,
            "from": start.isoformat(),
            "until": until.isoformat() if until else None,
        }
        with run.db.read() as conn:
            saved = (harvest_store.get(conn, key) or {}).get("cursor") or {}
        token = saved.get("token") if saved.get("params") == params else None
        try:
            _oai_list(run, key, params, token, saved.get("pages", 0) if token else 0)
        except oai_pmh.BadResumptionToken:
            if not token:
                raise
            log.warning(
                "OAI-PMH resumption token for %s expired; harvesting it again from %s", key, start
            )
            _oai_list(run, key, params, None, 0)


def _oai_list(run: _Run, key: str, params: dict[str, Any], token: str | None, pages: int) -> None:
    if token:
        log.info("resuming OAI-PMH list %s after page %d", key, pages)
    pager = oai_pmh.list_records(
        run.settings,
        run.http,
        prefix=params["prefix"],
        set_spec=params["set"],
        from_=date.fromisoformat(params["from"]),
        until=date.fromisoformat(params["until"]) if params["until"] else None,
        token=token,
    )
    for page in pager:
        run.progress(run.source, 0, page.complete_size)
        run.store_records(page.items)
        pages += 1
        with run.db.write() as conn:
            harvest_store.save_cursor(
                conn, key, {"params": params, "token": page.token, "pages": pages, "url": page.url}
            )
        run.renew_lease()


def _arxiv_api(run: _Run, start: date, end: date) -> None:
    dates = f"submittedDate:[{start:%Y%m%d}0000 TO {end:%Y%m%d}2359]"
    base = run.settings.arxiv_api_query.strip()
    query = f"({base}) AND {dates}" if base else dates
    run.store_records(
        arxiv_api.search_items(
            run.settings,
            query,
            max_results=ARXIV_API_LIMIT,
            sort_by="submittedDate",
            sort_order="ascending",
            using=run.http,
            on_total=lambda total: run.progress(run.source, 0, total),
        )
    )


RUNNERS: dict[str, Callable[[_Run, date, date], None]] = {
    "upstream": _upstream,
    "oai-pmh": _oai_pmh,
    "arxiv-api": _arxiv_api,
}
