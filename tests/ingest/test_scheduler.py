"""The harvest scheduler inside the web app: first start, retries, and the home page's notice."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from dailypapers.ingest import harvest
from dailypapers.ingest.scheduler import Scheduler
from dailypapers.store import harvest as harvest_store
from dailypapers.store import papers as paper_store
from dailypapers.web.app import create_app

from tests.replay import UPSTREAM_PATH, Answer


def _clock_from(start: datetime):
    """A clock that starts at ``start`` and runs at the real pace (the saved days are past)."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def _wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_it_harvests_the_last_days_at_once_on_first_start_with_an_empty_store(
        db, net_settings, upstream_server, upstream_replay):
    settings = net_settings(upstream_url=upstream_server, harvest_sources=["upstream"],
                            harvest_first_days=2)
    scheduler = Scheduler(settings, db, clock=_clock_from(datetime(2025, 6, 10, 9, tzinfo=UTC)))
    scheduler.start()
    try:
        assert scheduler.wait_for_steps(1, timeout=30)
    finally:
        scheduler.stop()
    assert not scheduler.running
    assert [r.params["date"] for r in upstream_replay.requests] == ["2025-06-09", "2025-06-10"]
    with db.read() as conn:
        assert paper_store.count(conn) == 8 + 28
        state = harvest_store.get(conn, "upstream")
        status = harvest.status(conn, ["upstream"])
    assert state["last_error"] is None and state["last_success_at"] is not None
    assert not status.unreachable and status.last_success_at == state["last_success_at"]


def test_a_failed_source_is_logged_and_tried_again_after_the_retry_interval(
        db, net_settings, upstream_server, upstream_replay, caplog):
    day = {"date": "2025-06-10", "limit": "100"}
    recorded = upstream_replay.handlers[UPSTREAM_PATH](day)
    upstream_replay.add(UPSTREAM_PATH, day, Answer(503, b"busy"), recorded)
    settings = net_settings(upstream_url=upstream_server, harvest_sources=["upstream"],
                            harvest_first_days=1, harvest_retry_interval=0.5)
    scheduler = Scheduler(settings, db, clock=_clock_from(datetime(2025, 6, 10, 9, tzinfo=UTC)))
    with caplog.at_level(logging.WARNING, logger="dailypapers.ingest.harvest"):
        scheduler.start()
        try:
            assert scheduler.wait_for_steps(2, timeout=30)
        finally:
            scheduler.stop()
    statuses = [r.status for r in upstream_replay.requests]
    assert statuses == [503, 200]
    gap = upstream_replay.requests[1].at - upstream_replay.requests[0].at
    assert gap >= 0.45
    assert any("harvest of upstream failed" in r.getMessage() and "HTTP 503" in r.getMessage()
               for r in caplog.records)
    with db.read() as conn:
        assert paper_store.count(conn) == 28
        assert harvest_store.get(conn, "upstream")["last_error"] is None


def test_the_home_page_says_when_no_source_can_be_reached_and_how_to_import(
        db, net_settings, closed_port_url):
    settings = net_settings(upstream_url=closed_port_url,
                            oai_pmh_url=closed_port_url + "/oai2",
                            harvest_sources=["upstream", "oai-pmh"], harvest_first_days=1)
    app = create_app(settings, db)
    with TestClient(app) as client:
        scheduler = app.state.scheduler
        assert scheduler is not None and scheduler.running

        def both_failed() -> bool:
            with db.read() as conn:
                return harvest.status(conn, settings.harvest_sources).unreachable

        _wait_for(both_failed)
        page = client.get("/")
    assert not scheduler.running  # stopped with the app
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "No paper source could be reached" in text
    assert "dailypapers import PATH" in text
    assert f"<code>upstream</code>: {closed_port_url}/api/daily_papers?date=" in text
    assert "<code>oai-pmh</code>:" in text and "cannot connect" in text


def test_the_app_runs_no_scheduler_when_no_source_is_configured(db, settings):
    app = create_app(settings, db)
    with TestClient(app) as client:
        assert app.state.scheduler is None
        page = client.get("/")
    assert "No paper source could be reached" not in page.text


def test_stopping_cuts_a_long_retry_after_wait_short(db, net_settings, upstream_server,
                                                     upstream_replay):
    day = {"date": "2025-06-10", "limit": "100"}
    upstream_replay.add(UPSTREAM_PATH, day, Answer(503, b"busy", {"Retry-After": "120"}))
    settings = net_settings(upstream_url=upstream_server, harvest_sources=["upstream"],
                            harvest_first_days=1, http_retries=1, http_max_retry_after=300)
    scheduler = Scheduler(settings, db, clock=_clock_from(datetime(2025, 6, 10, 9, tzinfo=UTC)))
    scheduler.start()
    _wait_for(lambda: upstream_replay.requests)
    began = time.monotonic()
    scheduler.stop()
    assert time.monotonic() - began < 5
    assert not scheduler.running
    with db.read() as conn:
        state = harvest_store.get(conn, "upstream")
    # Interrupted, not failed: no error is recorded, the lease is free, the source stays due.
    assert state["last_error"] is None and state["lease_owner"] is None
    assert state["next_run_at"] is None
