"""Keeping the semantic side current: notices when the index is missing or damaged, updates as
papers arrive, workers catching up with each other, and the resumable `dailypapers index`."""

from __future__ import annotations

import gzip
import logging
import os
import sys
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import select

from dailypapers.cli import main
from dailypapers.db.schema import paper_embeddings, papers
from dailypapers.ingest import importer
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.search import indexing, semantic, service
from dailypapers.search.semantic import SemanticIndex
from dailypapers.search.vectors import VectorIndex

from tests.search.conftest import listing_line, store_corpus_vectors


def test_a_missing_index_gives_keyword_results_with_a_notice(db, search_settings, corpus_files,
                                                              caplog):
    importer.import_paths(db, corpus_files)  # no embeddings, no snapshot
    with caplog.at_level(logging.WARNING):
        results = service.search(db, search_settings, "reinforcement pre-training")
    assert results.items[0].arxiv_id == "2506.08007"
    assert "keyword results" in results.notice
    assert "dailypapers index" in caplog.text


def test_a_corrupt_index_gives_keyword_results_then_rebuilds(corpus_db, search_settings, caplog):
    folder = search_settings.resolved_search_index_dir
    (folder / "vectors.usearch").write_bytes(b"not an index" * 100)
    worker = SemanticIndex(folder)  # a fresh worker process finds the damaged snapshot
    with caplog.at_level(logging.WARNING):
        index, notice = worker.get(corpus_db)
    assert index is None and "keyword results" in notice
    assert "dailypapers index" in caplog.text and "unreadable" in caplog.text
    worker.wait(60)
    index, notice = worker.get(corpus_db)
    assert notice is None and len(index) == 109
    assert len(VectorIndex.load(folder, index.model, index.dimensions)) == 109  # saved again


def test_the_service_shows_the_notice_for_a_corrupt_index(corpus_db, search_settings):
    folder = search_settings.resolved_search_index_dir
    (folder / "meta.json").write_text("{")
    semantic._registry.clear()  # as in a newly started worker
    results = service.search(corpus_db, search_settings, "reinforcement pre-training",
                             mode="semantic")
    assert results.notice and "keyword results" in results.notice
    assert results.items[0].arxiv_id == "2506.08007"
    semantic.for_settings(corpus_db, search_settings).wait(60)


def test_new_papers_become_searchable_after_an_import(corpus_db, search_settings, tmp_path):
    dump = tmp_path / "2025-07-01.jsonl.gz"
    with gzip.open(dump, "wt") as handle:
        handle.write(listing_line(
            "2507.00001", "Octopus arms as distributed controllers for soft robots",
            "We model each tentacle of an octopus as an independent neural controller and "
            "transfer the policy to a soft robotic gripper.", categories=("cs.RO",)) + "\n")
    pipeline = Pipeline(corpus_db, listeners=[indexing.listener(search_settings)])
    importer.import_paths(corpus_db, [dump], pipeline=pipeline)
    results = service.search(corpus_db, search_settings,
                             "cephalopod limbs controlling squishy grippers", mode="semantic")
    assert results.items[0].arxiv_id == "2507.00001" and results.notice is None


def test_a_worker_catches_up_with_embeddings_written_by_another(corpus_db, search_settings):
    other = SemanticIndex(search_settings.resolved_search_index_dir, refresh_interval=0)
    index, _ = other.get(corpus_db)
    before = len(index)
    with corpus_db.write() as conn:
        touched = conn.execute(select(paper_embeddings.c.paper_id).limit(1)).scalar()
        conn.execute(paper_embeddings.update().where(paper_embeddings.c.paper_id == touched)
                     .values(content_hash="changed"))
    # The paper's hash moved but its text did not: marked current without computing a vector.
    assert indexing.embed_pending(corpus_db, search_settings) == 0
    assert indexing.pending_count(corpus_db) == 0
    importer.import_paths(corpus_db, [_one_paper(search_settings.data_dir)])
    assert indexing.embed_pending(corpus_db, search_settings) == 1
    index, _ = other.get(corpus_db)
    assert len(index) == before + 1


def _one_paper(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dump = folder / "2025-07-02.jsonl.gz"
    with gzip.open(dump, "wt") as handle:
        handle.write(listing_line("2507.00002", "Bees", "Bees dance to share where food is.")
                     + "\n")
    return dump


def test_the_index_command_resumes_where_it_stopped(db, search_settings, corpus_files,
                                                    corpus_vectors, monkeypatch):
    importer.import_paths(db, corpus_files[:2])
    with db.read() as conn:
        total = conn.execute(select(papers.c.id)).all()
    assert len(total) > 10
    # A first run interrupted after one chunk of five papers.
    monkeypatch.setattr(indexing, "CHUNK", 5)
    calls = iter([True, False])
    done = indexing.embed_pending(db, search_settings, keep_going=lambda: next(calls))
    assert done == 5
    env = {
        "DAILYPAPERS_DATABASE_URL": search_settings.resolved_database_url,
        "DAILYPAPERS_DATA_DIR": str(search_settings.data_dir),
        "DAILYPAPERS_SEARCH_MODEL_DIR": str(search_settings.resolved_search_model_dir),
    }
    result = CliRunner().invoke(main, ["index", "--quiet"], env=env)
    assert result.exit_code == 0, result.output
    assert f"{len(total) - 5} papers to embed" in result.output
    assert f"vector index of {len(total)} papers" in result.output
    again = CliRunner().invoke(main, ["index", "--quiet"], env=env)
    assert "0 papers to embed" in again.output and "embedded 0 papers" in again.output


def test_the_background_step_embeds_under_a_lease(db, search_settings, corpus_files,
                                                  corpus_vectors):
    importer.import_paths(db, corpus_files[:1])
    store_corpus_vectors(db, {})  # nothing stored yet
    settings = search_settings.model_copy(update={"search_embed_interval": 0.01})
    stop = indexing.start_background(db, settings)
    try:
        import time

        deadline = time.monotonic() + 120
        while indexing.pending_count(db) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
    assert indexing.pending_count(db) == 0


def test_the_cli_module_runs(tmp_path):
    import subprocess

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    out = subprocess.run([sys.executable, "-m", "dailypapers", "index", "--help"], env=env,
                         capture_output=True, text=True, check=True)
    assert "resumable" in out.stdout.lower()
