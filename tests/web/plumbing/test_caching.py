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
from dailypapers.store import users as user_store

ROOT = Path(__file__).resolve().parents[2]
DAY = "/papers/date/2025-06-10"


def votes_shown(html: str) -> str:
    return html.split('id="vote-', 1)[1].split('<span class="count">', 1)[1].split("<", 1)[0]


def make_user(db, name: str) -> int:  # noqa: ANN001
    with db.write() as conn:
        return user_store.create(conn, name, f"{name}@example.com", "not-a-real-hash")


def test_it_reuses_a_page_until_a_write_changes_it(client, feed):
    first = client.get(DAY)
    again = client.get(DAY)
    assert first.headers["x-page-cache"] == "miss" and again.headers["x-page-cache"] == "hit"
    assert again.text == first.text and votes_shown(first.text) == "97"

    voting.upvote(feed, make_user(feed, "carol"), "2506.08007")  # a write outside the app
    after = client.get(DAY)
    assert after.headers["x-page-cache"] == "miss" and votes_shown(after.text) == "98"


def test_it_sees_a_write_committed_by_another_process(client, feed, db_url):
    assert client.get(DAY).headers["x-page-cache"] == "miss"
    assert client.get(DAY).headers["x-page-cache"] == "hit"
    carol = make_user(feed, "carol")
    client.get(DAY)  # cached again after carol's row
    script = (
        "import sys\nfrom dailypapers.db import connect\nfrom dailypapers.papers import voting\n"
        "db = connect(sys.argv[1])\nvoting.upvote(db, int(sys.argv[2]), '2506.08007')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    subprocess.run([sys.executable, "-c", script, db_url, str(carol)], check=True, env=env,
                   timeout=60)
    after = client.get(DAY)
    assert after.headers["x-page-cache"] == "miss" and votes_shown(after.text) == "98"


def test_it_never_serves_cached_pages_to_signed_in_readers(alice):
    alice.get(DAY)
    response = alice.get(DAY)
    assert "x-page-cache" not in response.headers
    assert "Sign out" in response.text


def test_it_does_not_cache_a_page_that_starts_a_session(client):
    first = client.get("/signin")
    assert "set-cookie" in first.headers
    assert "x-page-cache" not in first.headers


def test_it_renders_again_when_an_entry_is_older_than_the_setting(settings, feed):
    from dailypapers.web.app import create_app

    app = create_app(settings.model_copy(update={"page_cache_seconds": 0.3}), feed)
    with TestClient(app) as client:
        assert client.get(DAY).headers["x-page-cache"] == "miss"
        assert client.get(DAY).headers["x-page-cache"] == "hit"
        time.sleep(0.4)
        assert client.get(DAY).headers["x-page-cache"] == "miss"


def test_it_can_be_turned_off(settings, feed):
    from dailypapers.web.app import create_app

    app = create_app(settings.model_copy(update={"page_cache_seconds": 0}), feed)
    with TestClient(app) as client:
        client.get(DAY)
        assert "x-page-cache" not in client.get(DAY).headers


def test_it_drops_the_least_recently_used_pages_past_its_size(feed):
    from dailypapers.web.pagecache import PageCache

    cache = PageCache(feed, 60, max_bytes=250)
    for name in ("a", "b", "c"):
        cache.put(f"/{name}", 1, b"x" * 100, 200)
    assert cache.get("/a", 1) is None  # evicted to stay under 250 bytes
    assert cache.get("/b", 1) is not None and cache.get("/c", 1) is not None
    assert cache.get("/b", 2) is None  # another generation: stale
    cache.close()


def test_it_rereads_the_postgresql_change_counter_only_every_recheck_seconds(db):
    from dailypapers.web.pagecache import PageCache

    if not db.is_postgresql:
        pytest.skip("SQLite's data_version costs microseconds and is read on every request")
    throttled = PageCache(db, 60, recheck=3600)
    eager = PageCache(db, 60, recheck=0)
    before = throttled.generation()
    assert eager.generation() == before
    make_user(db, "alice")  # bumps the counter
    assert throttled.generation_is_cheap and throttled.generation() == before
    assert eager.generation() != before
    throttled.recheck = 0
    assert throttled.generation() == eager.generation()
