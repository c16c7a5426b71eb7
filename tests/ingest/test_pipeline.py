"""The pipeline under records the store cannot hold: values out of a column's range, text no
driver can send, a record only the database refuses, days beyond the calendar. Each such record
is rejected, named with its field, and the rest of its batch lands, from a file or a harvest."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from dailypapers.ingest import harvest, importer
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.store import feed as feed_store
from dailypapers.store import papers as paper_store
from tests.support import data
from tests.support.replay import UPSTREAM_PATH, Answer

HUGE = 10**30
DAY = "2025-06-10"  # a saved upstream day of 28 entries


def _saved_day(shared_data: Path) -> list[dict]:
    return json.loads(
        gzip.decompress((shared_data / "hf-daily-papers" / f"{DAY}.json.gz").read_bytes())
    )


def _stored(db, arxiv_ids: list[str]) -> list[str]:
    with db.read() as conn:
        return sorted(paper_store.by_arxiv_ids(conn, arxiv_ids))


def test_it_keeps_the_good_records_of_a_batch_with_an_out_of_range_star_count(
    db, shared_data, tmp_path
):
    entries = _saved_day(shared_data)
    entries[3]["paper"]["githubStars"] = HUGE
    entries[5]["paper"]["upvotes"] = HUGE
    entries[7]["paper"]["upvotes"] = 2**31  # one more than PostgreSQL's Integer holds
    day = tmp_path / f"{DAY}.json"
    day.write_text(json.dumps(entries))
    summary = importer.import_paths(db, [day])
    assert (summary.new, summary.rejected) == (len(entries) - 3, 3)
    reasons = [str(r) for r in summary.rejections]
    for position, field in ((4, "githubStars"), (6, "upvotes"), (8, "upvotes")):
        arxiv_id = entries[position - 1]["paper"]["id"]
        assert any(
            r.startswith(f"{day} entry {position} (paper {arxiv_id}): {field} is out of range")
            for r in reasons
        ), reasons
    good = [e["paper"]["id"] for n, e in enumerate(entries) if n not in (3, 5, 7)]
    assert _stored(db, good) == sorted(good)


def test_it_keeps_the_good_records_of_a_harvested_day_with_an_out_of_range_count(
    db, net_settings, upstream_server, upstream_replay, shared_data
):
    entries = _saved_day(shared_data)
    entries[0]["numComments"] = HUGE
    upstream_replay.add(
        UPSTREAM_PATH, {"date": DAY, "limit": "100"}, Answer(200, json.dumps(entries).encode())
    )
    settings = net_settings(upstream_url=upstream_server)
    [result] = harvest.harvest(
        db, settings, ["upstream"], start=date(2025, 6, 10), end=date(2025, 6, 10)
    )
    assert result.ok and (result.summary.new, result.summary.rejected) == (len(entries) - 1, 1)
    assert "numComments is out of range" in str(result.summary.rejections[0])


def test_it_rejects_only_the_record_the_database_refuses(db):
    # The abstract is NOT NULL in the store; the sources always set one, so only the database
    # checks it: a record without one stands for any record our checks let through.
    refused = data.paper("2501.00002")
    refused.abstract = None
    refused.origin = "hand-made record 2"
    good = [data.paper(f"2501.0000{n}") for n in (1, 3, 4)]
    entry = data.in_feed(data.paper("2501.00005"), date(2025, 1, 2), upvotes=7)
    summary = Pipeline(db).run([good[0], refused, good[1], entry, good[2]])
    assert (summary.new, summary.rejected, summary.feed_new) == (4, 1, 1)
    [rejection] = summary.rejections
    assert rejection.origin == "hand-made record 2"
    assert rejection.reason.startswith("paper 2501.00002: the database refused it: ")
    assert "abstract" in rejection.reason
    assert _stored(db, [f"2501.0000{n}" for n in range(1, 6)]) == [
        "2501.00001",
        "2501.00003",
        "2501.00004",
        "2501.00005",
    ]
    with db.read() as conn:
        assert feed_store.count(conn) == 1
        assert paper_store.get(conn, "2501.00005")["upstream_upvotes"] == 7


def test_it_stores_text_with_lone_surrogates_instead_of_failing_its_batch(db, tmp_path):
    lines = [
        json.dumps({"id": "2501.00001", "title": "Fine", "summary": "x", "authors": ["A"]}),
        '{"id": "2501.00002", "title": "Broken \\ud800 text", "summary": "x", "authors": ["A"]}',
    ]
    dump = tmp_path / "2025-01-02.jsonl"
    dump.write_text("\n".join(lines) + "\n")
    summary = importer.import_paths(db, [dump])
    assert (summary.new, summary.rejected) == (2, 0)
    with db.read() as conn:
        assert paper_store.get(conn, "2501.00002")["title"] == "Broken \ufffd text"


@pytest.mark.parametrize(
    "moment",
    ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59", "9999-12-31T23:59:59Z"],
)
def test_it_rejects_a_time_beyond_the_calendar_and_keeps_the_rest(
    db, shared_data, tmp_path, moment
):
    entries = _saved_day(shared_data)[:3]
    entries[1]["paper"]["publishedAt"] = moment
    day = tmp_path / f"{DAY}.json"
    day.write_text(json.dumps(entries))
    summary = importer.import_paths(db, [day])
    assert (summary.new, summary.rejected) == (2, 1)
    assert "publishedAt is out of range" in str(summary.rejections[0])


@pytest.mark.parametrize("name", ["9999-12-31.json", "0001-01-01.json"])
def test_it_rejects_entries_of_a_feed_day_out_of_range_naming_it(db, shared_data, tmp_path, name):
    day = tmp_path / name
    day.write_text(json.dumps(_saved_day(shared_data)[:2]))
    summary = importer.import_paths(db, [day])
    assert (summary.new, summary.rejected) == (0, 2)
    assert f"feed day {name[:10]} is out of range" in str(summary.rejections[0])


def test_it_rejects_a_record_with_a_number_too_long_to_read(db, tmp_path):
    dump = tmp_path / "2025-01-02.jsonl"
    dump.write_text(
        json.dumps({"id": "2501.00001", "title": "Fine", "summary": "x", "authors": ["A"]})
        + '\n{"id": "2501.00002", "title": "T", "version": '
        + "9" * 5000
        + "}\n"
    )
    summary = importer.import_paths(db, [dump])
    assert (summary.new, summary.rejected) == (1, 1)
    assert str(summary.rejections[0]).startswith(f"{dump} line 2: not readable JSON")


def test_a_record_built_in_code_is_checked_like_a_parsed_one(db):
    stars = data.paper("2501.00001")
    stars.github_stars = HUGE
    late = data.paper("2501.00002", published_at=datetime(9999, 12, 31, tzinfo=UTC))
    summary = Pipeline(db).run([stars, late, data.paper("2501.00003")])
    assert (summary.new, summary.rejected) == (1, 2)
    reasons = [r.reason for r in summary.rejections]
    assert reasons[0] == (
        "paper 2501.00001: githubStars is out of range: more than 2147483647, the most stored"
    )
    assert reasons[1].startswith("paper 2501.00002: published_at is out of range")
