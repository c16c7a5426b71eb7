"""Importing the arXiv metadata snapshot: detection by content, old-style ids, version dates,
names from ``authors_parsed``, broken lines, re-imports. The snapshot lines are made from the
recorded arXiv API answers (tests/support/snapshots.py), in tmp_path."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dailypapers.db.schema import paper_authors
from dailypapers.ingest import arxiv_snapshot, importer
from dailypapers.ingest.records import PaperRecord
from dailypapers.name_keys import name_key
from dailypapers.store import papers as paper_store
from tests.support import snapshots

OLD_STYLE = (
    "id_astro-ph_0601001_s0_m100_3150dca9dc76.json",
    "id_quant-ph_0201082v1_s0_m100_86989fe779ef.json",
)
# 100 papers of one answer, 36 of them revised (v2 and later).
HUNDRED = "q_testing_s0_m100_cfe7536492ca.json"


@pytest.fixture
def api_answers(shared_data):
    return shared_data / "fixtures" / "arxiv-api"


def test_it_reads_an_old_style_id_from_the_snapshot(db, api_answers, tmp_path):
    recorded = [r for name in OLD_STYLE for r in snapshots.api_records(api_answers / name)]
    lines = [snapshots.from_record(r) for r in recorded]
    # An old-style id with its subject class, as early snapshot records have it.
    lines.append({**lines[0], "id": "math.GT/0309136", "categories": "math.GT math.AG"})
    dump = snapshots.write_lines(tmp_path / "arxiv-metadata-oai-snapshot.json", lines)
    summary = importer.import_paths(db, [dump])
    assert (summary.new, summary.rejected) == (3, 0)
    with db.read() as conn:
        hot_jupiters = paper_store.get(conn, "astro-ph/0601001")
        quantum = paper_store.get(conn, "quant-ph/0201082")
        geometry = paper_store.get(conn, "math/0309136")
    assert hot_jupiters["title"] == recorded[0].title
    assert hot_jupiters["abs_url"] == "https://arxiv.org/abs/astro-ph/0601001"
    assert hot_jupiters["published_at"] == recorded[0].published_at
    assert quantum["authors"] == recorded[1].authors
    assert quantum["source"] == arxiv_snapshot.SOURCE
    assert geometry["categories"] == ["math.GT", "math.AG"]
    assert geometry["primary_category"] == "math.GT"


def test_it_takes_the_first_and_latest_version_dates_from_versions(api_answers, tmp_path):
    recorded = snapshots.api_records(api_answers / HUNDRED)
    revised = [r for r in recorded if r.version > 1]
    assert len(revised) == 36
    dump = snapshots.write_lines(tmp_path / "snapshot.jsonl", map(snapshots.from_record, revised))
    read = list(importer.records_from(dump))
    assert all(isinstance(r, PaperRecord) for r in read)
    for api, snapshot in zip(revised, read, strict=True):
        assert (snapshot.arxiv_id, snapshot.version) == (api.arxiv_id, api.version)
        assert snapshot.published_at == api.published_at
        assert snapshot.updated_at == api.updated_at
        assert (snapshot.title, snapshot.categories) == (api.title, api.categories)


def test_it_rejects_a_broken_snapshot_line_and_keeps_the_rest(db, api_answers, tmp_path):
    recorded = snapshots.api_records(api_answers / HUNDRED)[:5]
    lines = [json.dumps(snapshots.from_record(r)) for r in recorded]
    lines[2] = lines[2][:40]  # cut short, as a truncated download leaves a line
    lines[3] = lines[3].replace('"created": "', '"created": "yesterday, ')
    dump = snapshots.write_lines(tmp_path / "snapshot.jsonl.gz", lines)
    summary = importer.import_paths(db, [dump])
    assert (summary.new, summary.rejected) == (3, 2)
    origins = [r.origin for r in summary.rejections]
    assert origins[0] == f"{dump} line 3"
    assert origins[1].startswith(f"{dump} line 4 (paper ")
    assert "version date" in summary.rejections[1].reason


def test_a_second_import_of_a_snapshot_finds_every_paper_unchanged(db, api_answers, tmp_path):
    recorded = snapshots.api_records(api_answers / HUNDRED)
    dump = snapshots.write_lines(tmp_path / "snapshot.json", map(snapshots.from_record, recorded))
    first = importer.import_paths(db, [dump])
    assert (first.new, first.rejected) == (100, 0)
    again = importer.import_paths(db, [dump])
    assert (again.new, again.updated, again.unchanged) == (0, 0, 100)


@pytest.mark.parametrize("name", ["a.json", "a.json.gz", "a.jsonl", "a.jsonl.gz"])
def test_it_knows_a_snapshot_by_its_first_line_whatever_its_name(tmp_path, name):
    line = snapshots.snapshot_object(
        "hep-ph/0703001", title="T", abstract="A", authors=["Ann Author"], categories=["hep-ph"],
        versions=[datetime(2007, 3, 1, 12, tzinfo=UTC)],
    )  # fmt: skip
    dump = snapshots.write_lines(tmp_path / name, [line])
    (record,) = importer.records_from(dump)
    assert (record.arxiv_id, record.source) == ("hep-ph/0703001", arxiv_snapshot.SOURCE)


def test_it_decodes_tex_accents_in_names_and_keys_them_as_typed(db, tmp_path):
    line = snapshots.snapshot_object(
        "0704.0001", title="Diphotons", abstract="A", authors=[], categories=["hep-ph"],
        versions=[datetime(2007, 4, 2, 19, 18, 42, tzinfo=UTC)],
    )  # fmt: skip
    line["authors_parsed"] = [
        ["Bal\\'azs", "C.", ""],
        ["Yuan", "C. -P.", ""],
        ["Smith", "J.", "Jr"],
    ]
    dump = snapshots.write_lines(tmp_path / "snapshot.jsonl", [line])
    assert importer.import_paths(db, [dump]).new == 1
    with db.read() as conn:
        stored = paper_store.get(conn, "0704.0001")
        keys = conn.execute(select(paper_authors.c.name_key).order_by("position")).scalars().all()
    assert stored["authors"] == ["C. Balázs", "C. -P. Yuan", "J. Smith Jr"]
    assert keys == [name_key("C. Balazs"), name_key("C.-P. Yuan"), "j smith jr"]


def test_it_still_reads_a_listing_line_as_a_listing(tmp_path):
    raw = {"id": "2501.00001", "title": "T", "summary": "A", "authors": ["A B"]}
    listing = snapshots.write_lines(tmp_path / "2025-01-02.jsonl", [raw])
    (record,) = importer.records_from(listing)
    assert record.source == "arxiv-listing"


def test_it_stores_a_line_with_nul_characters_and_a_lone_surrogate_without_losing_it(db, tmp_path):
    line = snapshots.snapshot_object(
        "2501.00001", title="Broken \ud800 text", abstract="A", authors=["Nul\x00l Name"],
        categories=["cs.CL\x00"], versions=[datetime(2025, 1, 1, tzinfo=UTC)],
    )  # fmt: skip
    dump = snapshots.write_lines(tmp_path / "snapshot.jsonl", [json.dumps(line)])
    summary = importer.import_paths(db, [dump])
    assert (summary.new, summary.rejected) == (1, 0)
    with db.read() as conn:
        stored = paper_store.get(conn, "2501.00001")
        names = conn.execute(select(paper_authors.c.name)).scalars().all()
    assert (stored["title"], stored["authors"], names) == (
        "Broken \ufffd text",
        ["Null Name"],
        ["Null Name"],
    )
    assert stored["categories"] == ["cs.CL"]
