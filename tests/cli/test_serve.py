"""`dailypapers serve`'s composition (:func:`process_app`): the site with the background jobs
``DAILYPAPERS_JOBS`` names, started and stopped with it."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from fastapi.testclient import TestClient

from dailypapers.cli import serve
from dailypapers.config import Settings
from dailypapers.digest import jobs
from dailypapers.ingest import harvest, harvest_status
from dailypapers.web.app import create_app


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _serve_env(monkeypatch: pytest.MonkeyPatch, settings: Settings, **values: str) -> None:
    """The environment ``dailypapers serve``'s worker processes read their settings from."""
    base = {
        "DATABASE_URL": settings.database_url,
        "DATA_DIR": str(settings.data_dir),
        "SECRET_KEY": settings.secret_key,
        "BASE_URL": settings.base_url,
        "OAI_PMH_SETS": "",
    }
    for name, value in {**base, **values}.items():
        monkeypatch.setenv(f"DAILYPAPERS_{name}", value)


def _harvest_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dailypapers-harvest" and t.is_alive()]


def test_the_site_keeps_serving_and_says_so_when_no_harvest_source_can_be_reached(
    db, settings, monkeypatch
):
    unreachable = _closed_port_url()
    monkeypatch.setattr(harvest, "FIRST_DAYS", 1)
    _serve_env(
        monkeypatch,
        settings,
        JOBS="harvest",
        HARVEST_SOURCES="upstream,oai-pmh",
        UPSTREAM_URL=unreachable,
        OAI_PMH_URL=unreachable + "/oai2",
    )
    app = serve.process_app()
    try:
        assert list(app.state.jobs.jobs) == ["harvest", "library-fetch"]
        with TestClient(app) as client:
            assert len(_harvest_threads()) == 1  # started with the site
            deadline = time.monotonic() + 20
            while not harvest_status.status(db, ["upstream", "oai-pmh"]).unreachable:
                assert time.monotonic() < deadline, "the harvest job never ran"
                time.sleep(0.05)
            page = client.get("/")
        assert _harvest_threads() == []  # stopped with the site
    finally:
        app.state.db.dispose()
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert "No paper source could be reached" in text
    assert "dailypapers import PATH" in text
    assert f"<code>upstream</code>: {unreachable}/api/daily_papers?date=" in text
    assert "<code>oai-pmh</code>:" in text and "cannot connect" in text


def test_the_site_runs_no_harvest_job_when_no_source_is_configured(db, settings, monkeypatch):
    _serve_env(monkeypatch, settings, JOBS="harvest", HARVEST_SOURCES="")
    app = serve.process_app()
    try:
        assert app.state.jobs.jobs == {}
        with TestClient(app) as client:
            assert _harvest_threads() == []
            page = client.get("/")
    finally:
        app.state.db.dispose()
    assert page.status_code == 200
    assert "No paper source could be reached" not in page.text


def _job_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("dailypapers-") and t.is_alive()]


def test_the_site_runs_the_digest_job_only_when_asked(db, mail_settings, sink, monkeypatch):
    with TestClient(create_app(mail_settings, db)) as client:
        assert not hasattr(client.app.state, "jobs")  # the web app alone runs no job
        assert _job_threads() == []
    monkeypatch.setattr(jobs, "INTERVAL", 0.05)
    _serve_env(
        monkeypatch,
        mail_settings,
        JOBS="digest",
        SMTP_HOST=mail_settings.smtp_host,
        SMTP_PORT=str(mail_settings.smtp_port),
        MAIL_FROM=mail_settings.mail_from,
    )
    app = serve.process_app()
    try:
        job = app.state.jobs.jobs["mail"]
        assert list(app.state.jobs.jobs) == ["digest", "mail"]  # composing, and sending
        with TestClient(app) as client:
            assert [t.name for t in _job_threads()] == ["dailypapers-digest", "dailypapers-mail"]
            subscribed = client.post("/subscribe", data={"email": "dave@example.org"})
            assert subscribed.status_code == 200
            deadline = time.monotonic() + 10
            while not sink.received and time.monotonic() < deadline:
                time.sleep(0.02)
            assert job.wait_for_steps(1, timeout=10)  # the job's own steps mailed it
        assert _job_threads() == []  # stopped with the site
    finally:
        app.state.db.dispose()
    assert [r.message["Subject"] for r in sink.received] == [
        "Confirm your dailypapers subscription"
    ]
