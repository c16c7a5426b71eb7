"""Fixtures for the site's tests: a week of the real feed, the app, signed-in clients.

- ``feed``: the ``db`` with the real upstream feed of 2025-06-09..13 and 2025-06-16 imported
  (a gap over the weekend to skip), plus the paper of ``hostile_paper`` and ``unlisted_paper``.
- ``app`` / ``client``: the real app on that database; ``client`` is a TestClient that turns
  server errors into responses (so a 500 would show up as one, not as a test crash).
- ``sign_up(client, name)``: signs a new account up through the form; returns its username.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from dailypapers.ingest import importer
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.records import FeedRecord, PaperRecord

FEED_DAYS = ["2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12", "2025-06-13", "2025-06-16"]
PASSWORD = "correct horse battery"

# A paper whose text tries to run script, with LaTeX in its title, in the feed on 2025-06-16.
HOSTILE_ID = "2506.99001"
HOSTILE_TITLE = "Attention <script>alert('title')</script> is $O(n^2)$ <img src=x onerror=alert(2)>"
HOSTILE_ABSTRACT = "We show <b>bold</b> claims and <script>alert('abstract')</script> $\\alpha$."
# A paper in the store (an arXiv listing) that is in no feed: what a user submits.
UNLISTED_ID = "2506.99002"


def token_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def feed(db, shared_data):
    paths = [shared_data / "hf-daily-papers" / f"{day}.json.gz" for day in FEED_DAYS]
    importer.import_paths(db, paths)
    hostile = PaperRecord(
        arxiv_id=HOSTILE_ID, title=HOSTILE_TITLE, abstract=HOSTILE_ABSTRACT,
        authors=["Mallory <b>Evil</b>", "Trent Trusted"], categories=["cs.LG"], source="test",
        published_at=datetime(2025, 6, 15, 12, tzinfo=UTC),
    )
    unlisted = PaperRecord(
        arxiv_id=UNLISTED_ID, title="A Paper Nobody Submitted Yet", abstract="Quiet results.",
        authors=["Carol Quiet"], categories=["cs.CL"], source="test",
        published_at=datetime(2025, 6, 15, 12, tzinfo=UTC),
    )
    Pipeline(db).run([
        FeedRecord(hostile, date(2025, 6, 16), datetime(2025, 6, 16, 9, tzinfo=UTC), upvotes=3),
        unlisted,
    ])
    return db


@pytest.fixture
def app(settings, feed):
    from dailypapers.web.app import create_app

    return create_app(settings, feed)


@pytest.fixture
def client(app):
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def sign_up(client: TestClient, username: str, password: str = PASSWORD) -> str:
    page = client.get("/signup")
    response = client.post("/signup", data={
        "csrf_token": token_of(page.text), "username": username,
        "email": f"{username}@example.com", "password": password, "next": "/",
    }, follow_redirects=False)
    assert response.status_code == 303, response.text
    return username


@pytest.fixture
def alice(app):
    """A TestClient signed in as alice."""
    with TestClient(app, raise_server_exceptions=False) as test_client:
        sign_up(test_client, "alice")
        yield test_client


@pytest.fixture
def bob(app):
    with TestClient(app, raise_server_exceptions=False) as test_client:
        sign_up(test_client, "bob")
        yield test_client


def page_token(client: TestClient, path: str = "/papers/2506.08007") -> str:
    """A signed-in client's CSRF token, read from a page that has forms."""
    return token_of(client.get(path).text)
