"""Fixtures for the digest tests: a real SMTP server on loopback (aiosmtpd) that records every
message parsed with the ``email`` package, settings pointing at it, and a small paper store."""

from __future__ import annotations

import email
import socket
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from dailypapers.db.schema import feed_entries, papers, users, votes
from dailypapers.web.app import create_app

BASE_URL = "https://papers.example.org"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]


class SinkHandler:
    """Records what arrives; ``fail(stage, reply)`` makes the next transactions fail at RCPT or
    at the end of DATA with the given reply (e.g. "451 4.3.0 try later")."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.failures: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def fail(self, stage: str, reply: str, times: int = 1) -> None:
        with self.lock:
            self.failures.extend([(stage, reply)] * times)

    def _failure(self, stage: str) -> str | None:
        with self.lock:
            for index, (when, reply) in enumerate(self.failures):
                if when == stage:
                    del self.failures[index]
                    return reply
        return None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, N802
        reply = self._failure("rcpt")
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802
        reply = self._failure("data")
        if reply:
            return reply
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sink():
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.controller = controller
    yield handler
    controller.stop()


@pytest.fixture
def mail_settings(settings, sink):
    return settings.model_copy(update={
        "smtp_host": "127.0.0.1", "smtp_port": sink.controller.port, "smtp_timeout": 5.0,
        "base_url": BASE_URL, "mail_from": "dailypapers <digest@papers.example.org>",
        "digest_retry_base": 0.0, "digest_lease": 30.0, "digest_connections": 2,
    })


@pytest.fixture
def client(db, mail_settings):
    with TestClient(create_app(mail_settings, db)) as test_client:
        yield test_client


def next_weekday_morning(after: datetime, weekday: int = 1, hour: int = 8) -> datetime:
    """The first ``weekday`` (0 = Monday) at ``hour`` UTC at least a day after ``after``."""
    day = (after + timedelta(days=1)).date()
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour), tzinfo=UTC)


@pytest.fixture
def as_of() -> datetime:
    """A Tuesday 08:00 UTC in the future: a daily 07:00 UTC digest is due, covering Monday."""
    return next_weekday_morning(datetime.now(UTC))


def add_user(conn, username: str) -> int:  # noqa: ANN001
    result = conn.execute(users.insert().values(username=username, email=f"{username}@example.org",
                                                password_hash="x"))
    return result.inserted_primary_key[0]


def add_paper(conn, arxiv_id: str, title: str, *, upvotes: int = 0, feed_day: date | None = None,  # noqa: ANN001
              submitted_at: datetime | None = None, abstract: str = "An abstract.",
              authors: list[str] | None = None) -> int:
    published = submitted_at or datetime(2026, 1, 1, tzinfo=UTC)
    result = conn.execute(papers.insert().values(
        arxiv_id=arxiv_id, version=1, title=title, abstract=abstract,
        authors=authors or ["Ada Lovelace", "Alan Turing"], categories=["cs.CL"],
        primary_category="cs.CL", published_at=published, abs_url=f"https://arxiv.org/abs/{arxiv_id}",
        upstream_upvotes=upvotes, content_hash="x" * 32, source="test",
    ))
    paper_id = result.inserted_primary_key[0]
    if feed_day is not None:
        conn.execute(feed_entries.insert().values(
            paper_id=paper_id, feed_day=feed_day, submitted_at=submitted_at or published,
            upstream_upvotes=upvotes, source="upstream",
        ))
    return paper_id


def add_vote(conn, user_id: int, paper_id: int, at: datetime) -> None:  # noqa: ANN001
    conn.execute(votes.insert().values(user_id=user_id, paper_id=paper_id, created_at=at))
