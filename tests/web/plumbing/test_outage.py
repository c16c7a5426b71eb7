"""While PostgreSQL cannot be reached every request gets a 503 with Retry-After in the form it
asked for, the log gets one line when the outage begins and one when it ends, and the site
recovers by itself. The database is reached through a TCP line the test cuts and mends, so the
suite's cluster keeps running for everyone else."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from contextlib import suppress

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from dailypapers.config import Settings
from dailypapers.db import connect, engine
from dailypapers.web.app import create_app
from tests.conftest import BACKENDS
from tests.support import data, web

TOKEN = "scraper-token-for-tests"
pytestmark = pytest.mark.skipif("postgresql" not in BACKENDS, reason="an outage of PostgreSQL")


class Line:
    """A loopback TCP forwarder to ``target``: :meth:`cut` refuses new connections and resets
    the open ones, as a stopped server does; :meth:`mend` listens again on the same port."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.port = 0
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.mend()

    def mend(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        for sock in [self.listener, *self.sockets]:
            with suppress(OSError):  # shutdown wakes the pumps blocked in recv
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                near, _ = listener.accept()
            except OSError:
                return
            far = socket.create_connection(self.target)
            self.sockets += [near, far]
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass


@pytest.fixture
def line(postgresql_url: str) -> Iterator[Line]:
    url = make_url(postgresql_url)
    made = Line((url.host, url.port or 5432))
    yield made
    made.cut()


@pytest.fixture
def site(postgresql_url: str, line: Line, tmp_path) -> Iterator[TestClient]:
    url = make_url(postgresql_url).set(host="127.0.0.1", port=line.port)
    db = connect(url.render_as_string(hide_password=False))
    settings = Settings(
        data_dir=tmp_path,
        database_url=str(url),
        secret_key="test-secret-key-not-for-production",
        jobs=[],
        harvest_sources=[],
        metrics_token=TOKEN,
    )
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client
    db.dispose()


def _outage_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "dailypapers.db.engine"]


def test_it_answers_503_with_retry_after_while_postgresql_is_down_and_recovers(
    site, line, caplog, monkeypatch
):
    monkeypatch.setattr(engine, "SETTLE_SECONDS", 0.0)  # the first success ends the outage
    caplog.set_level(logging.INFO)
    assert site.get("/", headers={"accept": "text/html"}).status_code == 200
    line.cut()

    page = site.get("/", headers={"accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert 'id="error-search"' in page.text and page.headers["content-type"].startswith("text/html")
    api = site.get("/api/daily_papers")
    assert api.status_code == 503 and api.headers["retry-after"] == "5"
    assert api.json()["error"].startswith("The database is unreachable")
    text = site.get("/papers", headers={"accept": "*/*"})
    assert text.status_code == 503 and text.headers["content-type"].startswith("text/plain")
    assert site.get("/healthz").status_code == 200  # alive: a restart would not help

    lines = _outage_lines(caplog)
    assert len(lines) == 1 and lines[0].startswith("database unreachable")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no traceback

    line.mend()
    assert site.get("/", headers={"accept": "text/html"}).status_code == 200
    lines = _outage_lines(caplog)
    assert len(lines) == 2 and lines[1].startswith("database reachable again")


def test_it_says_not_ready_naming_the_database_when_postgresql_is_down(site, line):
    assert site.get("/readyz").status_code == 200
    line.cut()
    answer = site.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["failing"] == ["database"]
    assert answer.json()["checks"]["database"]["ok"] is False
    scrape = site.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
    assert scrape.status_code == 200 and "dailypapers_database_up 0.0" in scrape.text
    assert "dailypapers_http_requests_total" in scrape.text


def test_it_shows_a_signed_in_reader_the_error_page_not_a_bare_line_while_postgresql_is_down(
    site, line
):
    reader = data.person(site.app.state.db, "dana")
    web.sign_in(site, reader)
    line.cut()
    page = site.get("/papers", headers={"accept": "text/html"})
    assert page.status_code == 503 and page.headers["retry-after"] == "5"
    assert page.headers["content-type"].startswith("text/html") and "Back in a moment" in page.text
