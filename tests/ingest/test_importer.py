"""Importing dumps: the upstream daily JSON and arXiv listings, idempotence, merging, bad input.

Each import test reads a sample of the saved days (their counts computed from the files here);
``python -m bench import_`` imports every saved file on both backends and checks the full
counts (79,994 listing papers, 9,877 upstream papers in 9,881 feed entries, a second import
changing nothing)."""

from __future__ import annotations

import gzip
import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from dailypapers.cli import main
from dailypapers.db.schema import feed_entries, papers, users
from dailypapers.ingest import importer
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.records import PaperRecord
from dailypapers.papers import discussion, voting
from dailypapers.store import feed as feed_store
from dailypapers.store import papers as paper_store
from tests.support import data

# Upstream days: 2025-06-10 holds 2506.08007 ("Reinforcement Pre-Training"); 2604.07429 entered
# the feed on 2026-04-10 and 2026-04-16, 2606.11176 on 2026-06-10 and 2026-06-16.
UPSTREAM_SAMPLE = (
    "2024-05-27",
    "2025-06-10",
    "2026-04-10",
    "2026-04-16",
    "2026-06-10",
    "2026-06-16",
)
# Listing days: the first two (2503.11742 is listed on 2025-03-18), the middle one, the last.
LISTING_SAMPLE = ("2025-03-18", "2025-03-19", "2025-12-02", "2026-08-21")


def _upstream_files(shared_data: Path) -> list[Path]:
    return [shared_data / "hf-daily-papers" / f"{day}.json.gz" for day in UPSTREAM_SAMPLE]


def _upstream_entries(files: list[Path]) -> list[str]:
    """The arXiv id of every feed entry in ``files``, read straight from the JSON."""
    return [
        entry["paper"]["id"]
        for path in files
        for entry in json.loads(gzip.decompress(path.read_bytes()))
    ]


def _listing_line(arxiv_id: str, title: str = "A title", **extra) -> str:
    record = {
        "id": arxiv_id,
        "title": title,
        "summary": "An abstract.\nWith a hard break.",
        "authors": ["Alice Author", "Bob Author"],
        "categories": ["cs.CL", "cs.AI"],
        "comment": None,
        "pdf": f"https://arxiv.org/pdf/{arxiv_id}",
        "abs": f"https://arxiv.org/abs/{arxiv_id}",
    }
    record.update(extra)
    return json.dumps(record)


def test_it_imports_every_upstream_paper_and_feed_entry_once(db, shared_data):
    files = _upstream_files(shared_data)
    entries = _upstream_entries(files)
    first = importer.import_paths(db, files)
    assert (first.new, first.rejected) == (len(set(entries)), 0)
    assert first.feed_new == len(entries) > len(set(entries))
    with db.read() as conn:
        assert paper_store.count(conn) == len(set(entries))
        assert feed_store.count(conn) == len(entries)
        paper = paper_store.get(conn, "2506.08007")
        days = conn.execute(
            select(feed_entries.c.feed_day, feed_entries.c.upstream_upvotes).where(
                feed_entries.c.paper_id == paper["id"]
            )
        ).all()
        submitter = conn.execute(
            select(users.c.username)
            .join(feed_entries, feed_entries.c.submitter_id == users.c.id)
            .where(feed_entries.c.paper_id == paper["id"])
        ).scalar_one()
    assert paper["title"] == "Reinforcement Pre-Training"
    assert paper["authors"][:2] == ["Qingxiu Dong", "Li Dong"] and len(paper["authors"]) == 7
    assert paper["upstream_upvotes"] == 97
    assert paper["ai_keywords"][0] == "Reinforcement Pre-Training (RPT)"
    assert paper["published_at"] == datetime(2025, 6, 9, 17, 59, 53, tzinfo=UTC)
    assert days == [(date(2025, 6, 10), 97)]
    assert submitter == "unilm"

    again = importer.import_paths(db, files)
    assert (again.new, again.updated, again.rejected, again.feed_new) == (0, 0, 0, 0)


def test_it_keeps_both_feed_days_of_a_paper_that_entered_twice(db, shared_data):
    files = _upstream_files(shared_data)
    entered_twice = sorted(i for i, n in Counter(_upstream_entries(files)).items() if n == 2)
    assert entered_twice == ["2604.07429", "2606.11176"]
    importer.import_paths(db, files)
    with db.read() as conn:
        twice = (
            conn.execute(
                select(papers.c.arxiv_id)
                .join(feed_entries, feed_entries.c.paper_id == papers.c.id)
                .group_by(papers.c.arxiv_id)
                .having(func.count() > 1)
            )
            .scalars()
            .all()
        )
    assert sorted(twice) == entered_twice


def test_it_imports_arxiv_listings_idempotently(db, shared_data):
    files = [shared_data / "arxiv-listings" / f"{day}.jsonl.gz" for day in LISTING_SAMPLE]
    listed = [
        json.loads(line)["id"]
        for path in files
        for line in gzip.decompress(path.read_bytes()).decode().splitlines()
        if line.strip()
    ]
    assert len(listed) == len(set(listed))
    first = importer.import_paths(db, files)
    assert (first.new, first.updated, first.rejected) == (len(listed), 0, 0)
    again = importer.import_paths(db, files)
    assert (again.new, again.updated, again.unchanged) == (0, 0, len(listed))
    with db.read() as conn:
        paper = paper_store.get(conn, "2503.11742")
    assert paper["categories"] == ["cs.CV", "cs.AI"]
    assert paper["primary_category"] == "cs.CV"
    assert paper["comment"] == "Work in progress"
    assert paper["listed_on"] == date(2025, 3, 18)
    assert "\n" in paper["abstract"]  # arXiv's hard line breaks are kept


def test_it_imports_everything_around_a_broken_record(db, tmp_path):
    dump = tmp_path / "2025-01-02.jsonl"
    dump.write_text(
        "\n".join(
            [
                _listing_line("2501.00001"),
                '{"id": "2501.00002", "title": "cut off',
                _listing_line("2501.00003", title=""),
                _listing_line("not-an-id"),
                _listing_line("2501.00005"),
            ]
        )
        + "\n"
    )
    summary = importer.import_paths(db, [dump])
    assert (summary.new, summary.rejected) == (2, 3)
    reasons = [str(r) for r in summary.rejections]
    assert reasons[0].startswith(f"{dump} line 2: not valid JSON")
    assert reasons[1].startswith(f"{dump} line 3 (paper 2501.00003): title is missing")
    assert reasons[2].startswith(f"{dump} line 4 (paper not-an-id): not an arXiv id")
    with db.read() as conn:
        assert sorted(paper_store.by_arxiv_ids(conn, ["2501.00001", "2501.00005"])) == [
            "2501.00001",
            "2501.00005",
        ]


def test_it_reads_a_truncated_gzip_up_to_the_damage(db, tmp_path):
    whole = "\n".join(_listing_line(f"2501.{n:05d}") for n in range(1, 400)).encode()
    packed = gzip.compress(whole)
    damaged = tmp_path / "2025-01-02.jsonl.gz"
    damaged.write_bytes(packed[: len(packed) // 2])
    summary = importer.import_paths(db, [damaged])
    assert summary.new > 0
    assert summary.rejected >= 1
    assert "cannot read this file" in str(summary.rejections[-1])


def test_it_normalises_old_and_new_style_versioned_ids(db, tmp_path):
    dump = tmp_path / "old.jsonl"
    dump.write_text(
        "\n".join(
            [
                _listing_line("hep-th/9901001"),
                _listing_line("astro-ph/0601001v2"),
                _listing_line("math.AG/0601001v1"),
                _listing_line("2401.01234v3"),
            ]
        )
    )
    importer.import_paths(db, [dump])
    with db.read() as conn:
        stored = paper_store.by_arxiv_ids(
            conn, ["hep-th/9901001", "astro-ph/0601001", "math/0601001", "2401.01234"]
        )
    assert len(stored) == 4
    assert stored["astro-ph/0601001"]["version"] == 2
    assert stored["2401.01234"]["version"] == 3


def test_it_updates_a_newer_version_without_losing_votes_comments_or_feed(db, shared_data, alice):
    importer.import_paths(db, [shared_data / "hf-daily-papers" / "2025-06-10.json.gz"])
    with db.read() as conn:
        paper = paper_store.get(conn, "2506.08007")
    voting.upvote(db, alice.id, "2506.08007")
    discussion.post(db, alice.id, "2506.08007", "Nice")
    pipeline = Pipeline(db)

    def version(number: int, title: str, abstract: str, author: str) -> PaperRecord:
        """The paper as arXiv's API gives one of its versions."""
        return PaperRecord(
            arxiv_id="2506.08007",
            version=number,
            title=title,
            abstract=abstract,
            authors=[author],
            source="arxiv-api",
        )

    newer = version(2, "Reinforcement Pre-Training v2", "Revised.", "Qingxiu Dong")
    assert pipeline.run([newer]).updated == 1
    assert pipeline.run([version(1, "Old title", "Old.", "Someone")]).unchanged == 1
    with db.read() as conn:
        after = paper_store.get(conn, "2506.08007")
        assert feed_store.has_entry(conn, after["id"], date(2025, 6, 10))
    assert voting.voted(db, alice.id, [after["id"]]) == {after["id"]}
    assert discussion.count(db, after["id"]) == 1
    assert after["id"] == paper["id"]
    assert (after["version"], after["title"]) == (2, "Reinforcement Pre-Training v2")
    assert after["ai_summary"] == paper["ai_summary"]  # a source without it erases nothing
    assert after["upstream_upvotes"] == 97


def test_it_merges_listing_and_upstream_data_in_either_order(db, shared_data, tmp_path):
    listing = tmp_path / "2025-06-10.jsonl"
    listing.write_text(_listing_line("2506.08007", title="Reinforcement Pre-Training") + "\n")
    upstream = shared_data / "hf-daily-papers" / "2025-06-10.json.gz"
    importer.import_paths(db, [listing])
    importer.import_paths(db, [upstream])
    with db.read() as conn:
        paper = paper_store.get(conn, "2506.08007")
    assert paper["categories"] == ["cs.CL", "cs.AI"]
    assert paper["ai_summary"].startswith("Reinforcement Pre-Training (RPT) improves")
    again = importer.import_paths(db, [listing, upstream])
    assert again.new == again.updated == 0


def test_it_says_what_is_wrong_with_an_unreadable_file_instead_of_a_traceback(
    settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("DAILYPAPERS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DAILYPAPERS_DATA_DIR", str(settings.data_dir))  # not the working dir's
    bad_json = tmp_path / "2025-01-01.json"
    bad_json.write_text("{not json")
    not_gzip = tmp_path / "2025-01-02.json.gz"
    not_gzip.write_text("plain text")
    wrong_shape = tmp_path / "2025-01-03.json"
    wrong_shape.write_text('{"hello": "world"}')
    result = CliRunner().invoke(
        main,
        ["import", str(bad_json), str(not_gzip), str(wrong_shape), str(tmp_path / "missing.json")],
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    for path in (bad_json, not_gzip, wrong_shape):
        assert str(path) in result.output
    assert "no such file or folder" in result.output
    assert "cannot read this file" in result.output


def test_it_imports_from_the_command_line_with_a_summary(settings, shared_data, monkeypatch):
    monkeypatch.setenv("DAILYPAPERS_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DAILYPAPERS_DATA_DIR", str(settings.data_dir))  # not the working dir's
    day = shared_data / "hf-daily-papers" / "2025-06-10.json.gz"
    first = CliRunner().invoke(main, ["import", str(day)])
    assert first.exit_code == 0, first.output
    assert "new" in first.output and "28" in first.output
    second = CliRunner().invoke(main, ["import", str(day)])
    row = [line for line in second.output.splitlines() if "28" in line]
    assert row and row[0].split("│")[1].strip() == "0"


def test_it_never_attributes_upstream_submissions_to_a_local_account(db, shared_data):
    local = data.person(db, "unilm")
    importer.import_paths(db, [shared_data / "hf-daily-papers" / "2025-06-10.json.gz"])
    with db.read() as conn:
        submitter = conn.execute(
            select(users.c.username, users.c.upstream_id)
            .join(feed_entries, feed_entries.c.submitter_id == users.c.id)
            .join(papers, papers.c.id == feed_entries.c.paper_id)
            .where(papers.c.arxiv_id == "2506.08007")
        ).one()
    assert submitter == ("unilm@upstream", "5df85abada6d0311fd3d5408")
    with db.read() as conn:
        assert paper_store.count(conn) == 28
        mine = conn.execute(
            select(func.count())
            .select_from(feed_entries)
            .where(feed_entries.c.submitter_id == local.id)
        ).scalar_one()
    assert mine == 0
