"""The page cache serves signed-out readers the same HTML until the database changes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dailypapers.papers import voting
from dailypapers.papers.changes import ChangeCounter
from dailypapers.web.app import create_app
from dailypapers.web.plumbing.caching import ResponseCache

ROOT = Path(__file__).resolve().parents[3]
DAY = "/papers/date/2025-06-10"

pytestmark = pytest.mark.store("feed")


def votes_shown(html: str) -> str:
    return html.split('id="vote-', 1)[1].split('<span class="count">', 1)[1].split("<", 1)[0]


def test_it_reuses_a_page_until_a_write_changes_it(client, db, carol):
    first = client.get(DAY)
    again = client.get(DAY)
    assert first.headers["x-page-cache"] == "miss" and again.headers["x-page-cache"] == "hit"
    assert again.text == first.text and votes_shown(first.text) == "97"

    voting.upvote(db, carol.id, "2506.08007")  # a write outside the app
    after = client.get(DAY)
    assert after.headers["x-page-cache"] == "miss" and votes_shown(after.text) == "98"


def test_it_sees_a_write_committed_by_another_process(client, db, db_url, carol):
    assert client.get(DAY).headers["x-page-cache"] == "miss"
    assert client.get(DAY).headers["x-page-cache"] == "hit"
    script = (
        "import sys\nfrom dailypapers.db import connect\nfrom dailypapers.papers import voting\n"
        "db = connect(sys.argv[1])\nvoting.upvote(db, int(sys.argv[2]), '2506.08007')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run(
        [sys.executable, "-c", script, db_url, str(carol.id)], check=True, env=env, timeout=60
    )
    after = client.get(DAY)
    assert after.headers["x-page-cache"] == "miss" and votes_shown(after.text) == "98"


def test_it_never_serves_cached_pages_to_signed_in_readers(alice, as_user):
    reader = as_user(alice)
    reader.get(DAY)
    response = reader.get(DAY)
    assert "x-page-cache" not in response.headers
    assert "Sign out" in response.text


def test_it_does_not_cache_a_page_that_starts_a_session(client):
    first = client.get("/signin")
    assert "set-cookie" in first.headers
    assert "x-page-cache" not in first.headers


def test_it_renders_again_when_an_entry_is_older_than_the_setting(settings, db):
    app = create_app(settings.model_copy(update={"cache_seconds": 0.3}), db)
    with TestClient(app) as client:
        assert client.get(DAY).headers["x-page-cache"] == "miss"
        assert client.get(DAY).headers["x-page-cache"] == "hit"
        time.sleep(0.4)
        assert client.get(DAY).headers["x-page-cache"] == "miss"


def test_it_can_be_turned_off(settings, db):
    app = create_app(settings.model_copy(update={"cache_seconds": 0}), db)
    with TestClient(app) as client:
        client.get(DAY)
        assert "x-page-cache" not in client.get(DAY).headers


def test_it_drops_the_least_recently_used_pages_past_its_size(db):
    counter = ChangeCounter(db)
    cache = ResponseCache(counter, 60, max_bytes=250)
    for name in ("a", "b", "c"):
        cache.put(f"/{name}", 1, b"x" * 100, 100)
    assert cache.get("/a", 1) is None  # evicted to stay under 250 bytes
    assert cache.get("/b", 1) is not None and cache.get("/c", 1) is not None
    assert cache.get("/b", 2) is None  # another value of the change counter: stale
    cache.put("/huge", 1, b"x" * 300, 300)  # larger than the whole cache: not kept
    assert cache.get("/huge", 1) is None and cache.get("/c", 1) is not None
    counter.close()
