"""The stores the search benchmark measures: the corpus of ../shared imported (all of it, or the
newest files of each data set for a quick run) and embedded by the real indexing code."""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
SHARED = ROOT.parent / "shared" / "data"
DATASETS = (("hf-daily-papers", "*.json.gz"), ("arxiv-listings", "*.jsonl.gz"))
# The stores do not change while the benchmark measures them, and catching up with embeddings
# stored elsewhere is no part of what a search costs: a worker's index checks at most hourly.
REFRESH_SECONDS = 3600.0
console = Console()


def tune() -> float:
    """Set the search constants the benchmark runs with (in this process: do it first);
    returns the production refresh interval it replaced."""
    from dailypapers.search import semantic

    production, semantic.REFRESH_SECONDS = semantic.REFRESH_SECONDS, REFRESH_SECONDS
    return production


def corpus_paths(files: int = 0) -> list[Path]:
    """What the store holds: every file in ../shared, or the newest ``files`` of each data set."""
    if not files:
        return [SHARED / name for name, _ in DATASETS]
    return [
        path
        for name, pattern in DATASETS
        for path in sorted((SHARED / name).glob(pattern))[-files:]
    ]


def settings_for(db_path: Path, data: Path, models: Path | None = None):
    from dailypapers.config import Settings

    return Settings(
        data_dir=data,
        database_url=f"sqlite:///{db_path}",
        harvest_sources=[],
        jobs=[],
        search_model_dir=models,
    )


def connect_with_corpus(url: str, paths: list[Path]):
    """The database at ``url``, migrated, with the papers of ``paths`` (imported once)."""
    from dailypapers.db import connect, migrate
    from dailypapers.ingest import importer

    db = connect(url)
    migrate.upgrade(db)
    with db.read() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM papers").scalar()
    if count == 0:
        started = time.perf_counter()
        importer.import_paths(db, paths)
        console.print(f"imported the shared corpus in {time.perf_counter() - started:.0f} s")
    return db


def ensure_store(db_path: Path, data: Path, paths: list[Path], *, embed: bool = True):
    """(database, settings) of the SQLite store at ``db_path``, imported and (unless ``embed``
    is false) embedded; embedding resumes where a previous run stopped."""
    from dailypapers.search import indexing

    settings = settings_for(db_path, data)
    db = connect_with_corpus(settings.resolved_database_url, paths)
    pending = indexing.pending_count(db)
    if pending and embed:
        console.print(f"embedding {pending} papers (resumable; cached in {db_path.name})")
        started = time.perf_counter()
        done = indexing.embed_pending(db, settings)
        elapsed = time.perf_counter() - started
        console.print(f"embedded {done} papers in {elapsed:.0f} s ({done / elapsed:.1f}/s)")
    return db, settings


def postgresql_store(url: str, small_db, small_settings, data: Path, paths: list[Path]):
    """The same corpus in PostgreSQL: imported from ../shared, embeddings copied from the SQLite
    store (same model, same texts) so no re-embedding is needed."""
    from sqlalchemy import insert, select

    from dailypapers.config import Settings
    from dailypapers.db.schema import paper_embeddings, papers

    settings = Settings(
        data_dir=data,
        database_url=url,
        harvest_sources=[],
        jobs=[],
        search_model_dir=small_settings.resolved_search_model_dir,
    )
    db = connect_with_corpus(url, paths)
    with db.read() as conn:
        embedded = conn.exec_driver_sql("SELECT count(*) FROM paper_embeddings").scalar()
        ids = dict(conn.execute(select(papers.c.arxiv_id, papers.c.id)).all())
    if embedded == 0:
        columns = [c for c in paper_embeddings.c if c.name != "paper_id"]
        with small_db.read() as conn:
            rows = (
                conn.execute(
                    select(papers.c.arxiv_id, *columns).join(
                        papers, papers.c.id == paper_embeddings.c.paper_id
                    )
                )
                .mappings()
                .all()
            )
        batch = [
            {"paper_id": ids[r["arxiv_id"]], **{c.name: r[c.name] for c in columns}}
            for r in rows
            if r["arxiv_id"] in ids
        ]
        with db.write() as conn:
            for start in range(0, len(batch), 5000):
                conn.execute(insert(paper_embeddings), batch[start : start + 5000])
        console.print(f"copied {len(batch)} embeddings into PostgreSQL")
    return db, settings
