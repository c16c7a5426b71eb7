"""The harvest job (:class:`HarvestJob`, run step after step by :mod:`dailypapers.background`):
first start on an empty store, a failed source tried again, and stopping during a long wait.
That ``dailypapers serve`` runs it beside the site is tests/cli/test_serve.py's."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from dailypapers import background
from dailypapers.ingest import harvest, harvest_status, http
from dailypapers.ingest.harvest_job import HarvestJob
from dailypapers.store import harvest as harvest_store
from dailypapers.store import papers as paper_store
from tests.support.replay import UPSTREAM_PATH, Answer


def _clock_from(start: datetime):
    """A clock that starts at ``start`` and runs at the real pace (the saved days are past)."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def _running(name: str = "harvest") -> bool:
    """Whether a runner's thread for the job ``name`` is alive."""
    return any(t.name == f"dailypapers-{name}" and t.is_alive() for t in threading.enumerate())


def test_it_harvests_the_last_days_at_once_on_first_start_with_an_empty_store(
    db, net_settings, upstream_server, upstream_replay, monkeypatch
):
    monkeypatch.setattr(harvest, "FIRST_DAYS", 2)
    settings = net_settings(upstream_url=upstream_server, harvest_sources=["upstream"])
    job = background.Job(
        "harvest", HarvestJob(db, settings, clock=_clock_from(datetime(2025, 6, 10, 9, tzinfo=UTC)))
    )
    runner = background.Runner([job]).start()
    try:
        assert job.wait_for_steps(1, timeout=30)
    finally:
        runner.stop()
    assert not _running()
    assert [r.params["date"] for r in upstream_replay.requests] == ["2025-06-09", "2025-06-10"]
    assert [(r.source, r.ok) for r in job.step.results] == [("upstream", True)]
    with db.read() as conn:
        assert paper_store.count(conn) == 8 + 28
        state = harvest_store.get(conn, "upstream")
    status = harvest_status.status(db, ["upstream"])
    assert state["last_error"] is None and state["last_success_at"] is not None
    assert not status.unreachable and status.last_success_at == state["last_success_at"]


def test_a_second_step_of_the_same_process_harvests_only_what_is_due(
    db, net_settings, upstream_server, upstream_replay, monkeypatch
):
    monkeypatch.setattr(harvest, "FIRST_DAYS", 1)
    settings = net_settings(upstream_url=upstream_server, harvest_sources=["upstream"])
    step = HarvestJob(db, settings, clock=_clock_from(datetime(2025, 6, 10, 9, tzinfo=UTC)))
    pause = step(threading.Event())
    assert [r.ok for r in step.results] == [True]
    # The next harvest is an interval away (the job looks again within a minute at the most).
    assert 0 < pause <= 60
    assert step(threading.Event()) > 0 and step.results == []
    assert len(upstream_replay.requests) == 1


def test_a_failed_source_is_logged_and_tried_again_after_the_retry_interval(
    db, net_settings, upstream_server, upstream_replay, caplog, monkeypatch
):
    day = {"date": "2025-06-10", "limit": "100"}
    recorded = upstream_replay.handlers[UPSTREAM_PATH](day)
    upstream_replay.add(UPSTREAM_PATH, day, Answer(503, b"busy"), recorded)
    monkeypatch.setattr(harvest, "FIRST_DAYS", 1)
    monkeypatch.setattr(harvest, "RETRY_INTERVAL", 0.5)
    settings = net_settings(upstream_url=upstream_server, harvest_sources=["upstream"])
    job = background.Job(
        "harvest", HarvestJob(db, settings, clock=_clock_from(datetime(2025, 6, 10, 9, tzinfo=UTC)))
    )
    with caplog.at_level(logging.WARNING, logger="dailypapers.ingest.harvest"):
        runner = background.Runner([job]).start()
        try:
            assert job.wait_for_steps(2, timeout=30)
        finally:
            runner.stop()
    statuses = [r.status for r in upstream_replay.requests]
    assert statuses == [503, 200]
    gap = upstream_replay.requests[1].at - upstream_replay.requests[0].at
    assert gap >= 0.45
    assert any(
        "harvest of upstream failed" in r.getMessage() and "HTTP 503" in r.getMessage()
        for r in caplog.records
    )
    with db.read() as conn:
        assert paper_store.count(conn) == 28
        assert harvest_store.get(conn, "upstream")["last_error"] is None


def test_stopping_cuts_a_long_retry_after_wait_short(
    db, net_settings, upstream_server, upstream_replay, monkeypatch
):
    day = {"date": "2025-06-10", "limit": "100"}
    upstream_replay.add(UPSTREAM_PATH, day, Answer(503, b"busy", {"Retry-After": "120"}))
    monkeypatch.setattr(harvest, "FIRST_DAYS", 1)
    monkeypatch.setattr(http, "RETRIES", 1)
    monkeypatch.setattr(http, "MAX_RETRY_AFTER", 300)
    settings = net_settings(upstream_url=upstream_server, harvest_sources=["upstream"])
    job = background.Job(
        "harvest", HarvestJob(db, settings, clock=_clock_from(datetime(2025, 6, 10, 9, tzinfo=UTC)))
    )
    runner = background.Runner([job]).start()
    _wait_for(lambda: upstream_replay.requests)
    began = time.monotonic()
    runner.stop()
    assert time.monotonic() - began < 5
    assert not _running()
    assert len(upstream_replay.requests) == 1  # the retry never went out
    with db.read() as conn:
        state = harvest_store.get(conn, "upstream")
    # Interrupted, not failed: no error is recorded, the lease is free, the source stays due.
    assert state["last_error"] is None and state["lease_owner"] is None
    assert state["next_run_at"] is None
