"""Keeping the semantic side current: notices when the index is missing or damaged, updates as
papers arrive, workers catching up with each other, the resumable `dailypapers index`, and the
embed job (:class:`indexing.EmbedJob`) that embeds under a lease, one worker at a time."""

from __future__ import annotations

import dataclasses
import gzip
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from dailypapers import background
from dailypapers.cli import main
from dailypapers.db import Database, connect
from dailypapers.ingest import importer
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.search import indexing, semantic, service, vector_snapshots
from dailypapers.search.embedder import MODEL_NAME
from dailypapers.search.semantic import SemanticIndex
from dailypapers.search.vectors import VectorIndex
from dailypapers.store import papers as paper_store
from tests.support import data
from tests.support.cli import argv

ROOT = Path(__file__).resolve().parents[2]
CORPUS_PAPERS = 109  # tests.support.corpora: 49 feed papers and 60 listed ones


class HeldStep(threading.Event):
    """The stop event of a worker held in the middle of its step: the step's first look at it
    (right after the lease is taken, before anything is embedded) waits until ``go`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.reached, self.go = threading.Event(), threading.Event()

    def is_set(self) -> bool:
        self.reached.set()
        self.go.wait(60)
        return super().is_set()


def _dump(folder: Path, name: str, *lines: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with gzip.open(path, "wt") as handle:
        handle.writelines(line + "\n" for line in lines)
    return path


def test_a_missing_index_gives_keyword_results_with_a_notice(
    db, search_settings, search_corpus, caplog
):
    importer.import_paths(db, search_corpus)  # no embeddings, no snapshot
    with caplog.at_level(logging.WARNING):
        results = service.search(db, search_settings, "reinforcement pre-training")
    assert results.items[0].arxiv_id == "2506.08007"
    assert "keyword results" in results.notice
    assert "dailypapers index" in caplog.text


@pytest.mark.store("search")
def test_a_corrupt_index_gives_keyword_results_then_rebuilds(
    db, search_settings, vector_snapshot, caplog
):
    folder = search_settings.resolved_search_index_dir
    (vector_snapshots.current_folder(folder) / "graph.usearch").write_bytes(b"not an index" * 100)
    worker = SemanticIndex(folder)  # a fresh worker process finds the damaged snapshot
    with caplog.at_level(logging.WARNING):
        index, notice = worker.get(db)
    assert index is None and "keyword results" in notice
    assert "dailypapers index" in caplog.text and "unreadable" in caplog.text
    worker.wait(60)
    index, notice = worker.get(db)
    assert notice is None and len(index) == CORPUS_PAPERS
    assert len(VectorIndex.load(folder, index.model, index.dimensions)) == CORPUS_PAPERS  # saved


@pytest.mark.store("search")
def test_the_service_shows_the_notice_for_a_corrupt_index(db, search_settings, vector_snapshot):
    folder = search_settings.resolved_search_index_dir
    (vector_snapshots.current_folder(folder) / "meta.json").write_text("{")
    semantic._registry.clear()  # as in a newly started worker
    results = service.search(db, search_settings, "reinforcement pre-training", mode="semantic")
    assert results.notice and "keyword results" in results.notice
    assert results.items[0].arxiv_id == "2506.08007"
    semantic.for_settings(db, search_settings).wait(60)


@pytest.mark.store("search")
def test_new_papers_become_searchable_after_an_import(
    db, search_settings, vector_snapshot, listing_line, tmp_path
):
    dump = _dump(
        tmp_path,
        "2025-07-01.jsonl.gz",
        listing_line(
            "2507.00001",
            "Octopus arms as distributed controllers for soft robots",
            "We model each tentacle of an octopus as an independent neural controller and "
            "transfer the policy to a soft robotic gripper.",
            categories=("cs.RO",),
        ),
    )
    pipeline = Pipeline(db, listeners=[indexing.listener(search_settings)])
    importer.import_paths(db, [dump], pipeline=pipeline)
    results = service.search(
        db, search_settings, "cephalopod limbs controlling squishy grippers", mode="semantic"
    )
    assert results.items[0].arxiv_id == "2507.00001" and results.notice is None


@pytest.mark.store("search")
def test_a_worker_catches_up_with_embeddings_written_by_another(
    db, search_settings, vector_snapshot, listing_line
):
    other = SemanticIndex(search_settings.resolved_search_index_dir, refresh_interval=0)
    index, _ = other.get(db)
    before = len(index)
    # A source adds a project page to a corpus paper: its content hash moves, its embedded text
    # (title and abstract) does not, so it is marked current without computing a vector.
    with db.read() as conn:
        stored = paper_store.get(conn, "2506.08007")
    assert stored["project_page"] is None
    same = data.paper(
        "2506.08007",
        stored["title"],
        abstract=stored["abstract"],
        authors=stored["authors"],
        categories=stored["categories"],
        published_at=stored["published_at"],
    )
    data.store(db, dataclasses.replace(same, project_page="https://example.org/rpt"))
    with db.read() as conn:
        changed = paper_store.get(conn, "2506.08007")
    assert changed["project_page"] == "https://example.org/rpt"
    assert changed["content_hash"] != stored["content_hash"]
    assert indexing.pending_count(db) == 1
    assert indexing.embed_pending(db, search_settings) == 0
    assert indexing.pending_count(db) == 0
    importer.import_paths(
        db,
        [
            _dump(
                search_settings.data_dir,
                "2025-07-02.jsonl.gz",
                listing_line("2507.00002", "Bees", "Bees dance to share where food is."),
            )
        ],
    )
    assert indexing.embed_pending(db, search_settings) == 1
    index, _ = other.get(db)
    assert len(index) == before + 1


def _short_papers(db: Database, count: int) -> None:
    """``count`` papers with one-line abstracts (cheap to embed), stored by the pipeline."""
    data.store(
        db,
        *(
            data.paper(
                f"2507.{n:05d}",
                f"Insects, part {n}",
                abstract=f"Insect {n} hums a tune of {n} notes.",
            )
            for n in range(101, 101 + count)
        ),
    )


def test_the_index_command_resumes_where_it_stopped(db, search_settings, monkeypatch):
    _short_papers(db, 12)
    with db.read() as conn:
        total = paper_store.count(conn)
    assert total > 10
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
    assert f"{total - 5} papers to embed" in result.output
    assert f"vector index of {total} papers" in result.output
    again = CliRunner().invoke(main, ["index", "--quiet"], env=env)
    assert "0 papers to embed" in again.output and "embedded 0 papers" in again.output


def test_the_embed_job_embeds_what_is_pending_under_a_lease(db, search_settings):
    _short_papers(db, 3)
    assert indexing.pending_count(db) > 0
    job = background.Job("embed", indexing.EmbedJob(db, search_settings))
    runner = background.Runner([job]).start()
    try:
        assert job.wait_for_steps(1, timeout=120)
    finally:
        runner.stop()
    assert indexing.pending_count(db) == 0
    assert job.step(threading.Event()) == indexing.EMBED_INTERVAL  # nothing left: it waits


def test_a_second_worker_embeds_nothing_while_the_first_holds_the_lease(db, search_settings):
    _short_papers(db, 3)
    pending = indexing.pending_count(db)
    assert pending > 0
    first, second = indexing.EmbedJob(db, search_settings), indexing.EmbedJob(db, search_settings)
    second.owner = "another-host:4242"  # a worker in another process
    held = HeldStep()
    pauses: list[float] = []
    worker = threading.Thread(target=lambda: pauses.append(first(held)))
    worker.start()
    try:
        assert held.reached.wait(60)  # the first worker holds the lease, has embedded nothing
        assert second(threading.Event()) == indexing.EMBED_INTERVAL
        assert indexing.pending_count(db) == pending  # the second did nothing
    finally:
        held.go.set()
        worker.join(120)
    assert pauses == [indexing.EMBED_INTERVAL]
    assert indexing.pending_count(db) == 0
    # The lease was given back: the other worker's step runs (and finds nothing to do).
    data.store(db, data.paper("2507.00003", "Ants", abstract="Ants follow trails of scent."))
    assert indexing.pending_count(db) == 1
    second(threading.Event())
    assert indexing.pending_count(db) == 0


@pytest.mark.slow
def test_index_loop_embeds_papers_that_arrive_until_sigterm(tmp_path, model_dir, listing_line):
    url = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    env = {
        **os.environ,
        "DAILYPAPERS_DATABASE_URL": url,
        "DAILYPAPERS_DATA_DIR": str(tmp_path / "data"),
        "DAILYPAPERS_SEARCH_MODEL_DIR": str(model_dir),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    command = argv("index", "--loop", "--quiet", dailypapers__search__indexing__EMBED_INTERVAL=0.2)
    log = tmp_path / "loop.log"
    with log.open("w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        try:
            deadline = time.monotonic() + 60
            while "vector index of 0 papers" not in log.read_text():  # the store is migrated
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            db = connect(url)
            try:
                importer.import_paths(
                    db,
                    [
                        _dump(
                            tmp_path,
                            "2025-07-03.jsonl.gz",
                            listing_line("2507.00004", "Moths", "Moths steer by the moon."),
                        )
                    ],
                )
                while indexing.pending_count(db):  # the loop's next step embeds it
                    assert process.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, log.read_text()
                    time.sleep(0.1)
            finally:
                db.dispose()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        finally:
            if process.poll() is None:
                process.kill()
    assert "Traceback" not in log.read_text()


def test_the_cli_module_runs(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, "-m", "dailypapers", "index", "--help"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "resumable" in out.stdout.lower()


@pytest.mark.store("search")
def test_catching_up_costs_nothing_when_no_embedding_is_new(db, search_settings, vector_snapshot):
    # A bulk index leaves thousands of embeddings inside the overlap window; re-reading them on
    # every refresh made the first search after each interval slow. Now only new ones are read.
    index = VectorIndex.load(
        search_settings.resolved_search_index_dir, MODEL_NAME, vector_snapshot.dimensions
    )
    assert index.changes(db) is not None  # a fresh process checks the window once
    index.catch_up(db)
    assert index.changes(db) is None
    swept = index.changes(db, sweep=True)
    assert swept is not None and swept.paper_ids == []
    _short_papers(db, 1)
    assert indexing.embed_pending(db, search_settings) == 1
    found = index.changes(db)
    assert found is not None and len(found.paper_ids) == 1
    assert index.apply(db, found) == 1
