"""The upstream daily feed over HTTP, served from the saved days."""

from __future__ import annotations

import gzip
import json
from datetime import date

from dailypapers.ingest import harvest, http, upstream_http
from dailypapers.ingest.http import Fetcher
from dailypapers.ingest.records import FeedRecord
from dailypapers.store import feed as feed_store
from dailypapers.store import papers as paper_store
from tests.support.replay import UPSTREAM_PATH, Answer


def test_it_fetches_one_day_of_the_feed(offline_settings, upstream_server, upstream_replay):
    settings = offline_settings(upstream_url=upstream_server)
    with Fetcher(settings) as fetcher:
        items = upstream_http.fetch_day(settings, fetcher, date(2025, 6, 10))
    assert len(items) == 28 and all(isinstance(i, FeedRecord) for i in items)
    paper = next(i for i in items if i.paper.arxiv_id == "2506.08007")
    assert (paper.feed_day, paper.upvotes) == (date(2025, 6, 10), 97)
    assert paper.origin.startswith(f"{upstream_server}/api/daily_papers?date=2025-06-10 entry ")
    assert upstream_replay.requests[0].params == {"date": "2025-06-10", "limit": "100"}


def test_a_range_lands_every_day_it_can_and_names_the_days_it_cannot(
    db, net_settings, upstream_server, upstream_replay, shared_data
):
    upstream_replay.add(
        UPSTREAM_PATH, {"date": "2025-06-11", "limit": "100"}, Answer(500, b"Internal Server Error")
    )
    upstream_replay.add(
        UPSTREAM_PATH,
        {"date": "2025-06-12", "limit": "100"},
        Answer(200, b'[{"paper": {"id": "2506.0'),
    )
    settings = net_settings(upstream_url=upstream_server)
    [result] = harvest.harvest(
        db, settings, ["upstream"], start=date(2025, 6, 7), end=date(2025, 6, 13)
    )
    assert result.ok
    # 06-09 (8 papers), 06-10 (28) and 06-13 landed; the weekend has no saved day (404).
    assert result.summary.new == 8 + 28 + _saved_entries(shared_data, "2025-06-13")
    problems = "\n".join(result.problems)
    assert len(result.problems) == 4
    assert f"{upstream_server}/api/daily_papers?date=2025-06-07&limit=100: HTTP 404" in problems
    assert "date=2025-06-11&limit=100: HTTP 500" in problems
    assert "date=2025-06-12&limit=100: the answer is not valid JSON" in problems
    with db.read() as conn:
        assert paper_store.get(conn, "2506.08007")["upstream_upvotes"] == 97
        assert feed_store.count(conn) == result.summary.new


def test_a_range_where_no_day_can_be_fetched_fails_the_source(
    db, net_settings, upstream_server, upstream_replay
):
    for day in ("2025-06-09", "2025-06-10"):
        upstream_replay.add(UPSTREAM_PATH, {"date": day, "limit": "100"}, Answer(502, b"down"))
    settings = net_settings(upstream_url=upstream_server)
    [result] = harvest.harvest(
        db, settings, ["upstream"], start=date(2025, 6, 9), end=date(2025, 6, 10)
    )
    assert result.error.startswith("no day could be fetched: ")
    assert "HTTP 502" in result.error and "(and 1 more day)" in result.error


def test_an_upstream_that_refuses_connections_fails_at_the_first_day(
    db, net_settings, closed_port_url, monkeypatch
):
    monkeypatch.setattr(http, "RETRIES", 1)
    settings = net_settings(upstream_url=closed_port_url)
    [result] = harvest.harvest(
        db, settings, ["upstream"], start=date(2025, 6, 9), end=date(2025, 6, 15)
    )
    assert result.error.startswith(f"{closed_port_url}/api/daily_papers?date=2025-06-09")
    assert "cannot connect" in result.error and "(2 attempts)" in result.error
    assert result.problems == []  # the six other days were not tried in vain


def _saved_entries(shared_data, day: str) -> int:
    return len(
        json.loads(
            gzip.decompress((shared_data / "hf-daily-papers" / f"{day}.json.gz").read_bytes())
        )
    )


def test_an_entry_whose_paper_is_not_an_object_is_rejected_and_the_rest_land(
    db, net_settings, upstream_server, upstream_replay
):
    # Foundation bug: hf_daily.parse_response crashed on {"paper": "text"} while naming it.
    good = json.loads(
        upstream_replay.handlers[UPSTREAM_PATH]({"date": "2025-06-09", "limit": "100"}).body
    )
    upstream_replay.add(
        UPSTREAM_PATH,
        {"date": "2025-06-09", "limit": "100"},
        Answer(200, json.dumps([{"paper": "oops"}, "text", *good]).encode()),
    )
    settings = net_settings(upstream_url=upstream_server)
    [result] = harvest.harvest(
        db, settings, ["upstream"], start=date(2025, 6, 9), end=date(2025, 6, 9)
    )
    assert result.ok
    assert (result.summary.new, result.summary.rejected) == (8, 2)
    reasons = [str(r) for r in result.summary.rejections]
    assert reasons[0].startswith(f"{upstream_server}/api/daily_papers?date=2025-06-09 entry 1: ")
    assert "entry has no 'paper' object" in reasons[0]
