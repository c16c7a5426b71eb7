"""A collection run through the real search, as a reader's queries are.

The corpus is imported into a SQLite store of its own (a temporary folder unless the caller
keeps one to reuse), never the site's. BEIR ids are not arXiv ids, so each document gets a
synthetic, valid arXiv id (``1501.00000``, ``1501.00001``, ...) and a mapping back: the real
pipeline, embedder, indexes and the search's ranking run unchanged on it, and the runs
name documents by their ids in the collection.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.config import Settings
from dailypapers.db import connect, migrate
from dailypapers.db.engine import Database
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.records import PaperRecord
from dailypapers.search import indexing, keyword_index, semantic, service
from dailypapers.search.evaluation import scoring, trec
from dailypapers.search.evaluation.collection import Collection
from dailypapers.store import papers as paper_store

MODES = ("keyword", "semantic", "hybrid")
PER_MONTH = 100_000  # synthetic ids per month of ids (arXiv's five-digit numbers)
DEPTH = 100  # results asked for each query: Recall@100 needs the first hundred


@dataclass
class Row:
    mode: str
    ndcg_at_10: float
    recall_at_100: float
    mrr: float
    ms_per_query: float


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    runs: dict[str, trec.Run] = field(default_factory=dict)  # mode -> run
    queries: list[str] = field(default_factory=list)


def synthetic_id(position: int) -> str:
    """A valid new-style arXiv id for document number ``position`` (0-based)."""
    months = position // PER_MONTH
    return f"{15 + months // 12:02d}{months % 12 + 1:02d}.{position % PER_MONTH:05d}"


def _records(collection: Collection) -> tuple[list[PaperRecord], dict[str, str]]:
    records, back = [], {}
    for position, (doc_id, (title, text)) in enumerate(collection.corpus.items()):
        arxiv_id = synthetic_id(position)
        back[arxiv_id] = doc_id
        records.append(
            PaperRecord(
                arxiv_id=arxiv_id,
                title=title.strip() or text[:80].strip() or doc_id,
                abstract=text,
                authors=[],
                source="beir",
                origin=f"corpus.jsonl {doc_id}",
            )
        )
    return records, back


@contextmanager
def _folder(kept: Path | None) -> Iterator[Path]:
    if kept is not None:
        kept.mkdir(parents=True, exist_ok=True)
        yield kept
        return
    with tempfile.TemporaryDirectory(prefix="dailypapers-eval-") as folder:
        yield Path(folder)


def evaluate(
    collection: Collection,
    settings: Settings,
    *,
    modes: tuple[str, ...] = MODES,
    progress: Callable[[int], None] | None = None,
    store_dir: Path | None = None,
) -> Report:
    """Import, embed and index the corpus in a store of its own, then run every query.

    ``store_dir`` keeps that store for the next call with the same corpus (re-importing changes
    nothing, so only new documents are embedded); without it the store is thrown away.
    """
    with _folder(store_dir) as folder:
        scratch = Settings(
            data_dir=folder,
            database_url=f"sqlite:///{folder / 'eval.sqlite3'}",
            search_model_dir=settings.resolved_search_model_dir,
            search_embedder=settings.search_embedder,
            harvest_sources=[],
            jobs=[],
        )
        db = connect(scratch.resolved_database_url)
        try:
            migrate.upgrade(db)
            records, back = _records(collection)
            Pipeline(db).run(records)
            indexing.embed_pending(db, scratch, progress=progress)
            # Both indexes made as `dailypapers index` makes them, before the first query: a
            # keyword index still building would answer from the fallback, and be measured.
            indexing.write_snapshot(db, scratch)
            keyword_index.for_settings(db, scratch).bring_up_to_date(db)
            # Nothing writes to the store while the queries run: no catching up.
            semantic.for_settings(db, scratch).refresh_interval = float("inf")
            return run_queries(db, scratch, collection, back, modes=modes)
        finally:
            db.dispose()


def run_queries(
    db: Database,
    settings: Settings,
    collection: Collection,
    back: dict[str, str],
    *,
    modes: tuple[str, ...] = MODES,
) -> Report:
    """Every judged query through the real search in each mode, scored by trec_eval. A run
    needs the ranking, not the cards and highlights a page shows: :func:`service.paper_ids`
    ranks exactly as :func:`service.search` does (``ms/query`` is the ranking's time)."""
    with db.read() as conn:
        stored = paper_store.by_arxiv_ids(conn, back)
    doc_of = {row["id"]: back[arxiv_id] for arxiv_id, row in stored.items()}
    report = Report(queries=list(collection.qrels))
    for mode in modes:
        run: trec.Run = {}
        started = time.perf_counter()
        for query_id in collection.qrels:
            found = service.paper_ids(
                db, settings, collection.queries[query_id], mode=mode, limit=DEPTH
            )
            ranked = [doc_of.get(paper_id) for paper_id in found]
            run[query_id] = ranked_ids(ranked, collection.query_docs.get(query_id))
        elapsed = (time.perf_counter() - started) * 1000 / len(collection.qrels)
        scores = scoring.score(collection.qrels, run)
        report.rows.append(Row(mode, scores.ndcg_at_10, scores.recall_at_100, scores.mrr, elapsed))
        report.runs[mode] = run
    return report


def ranked_ids(ranked: list[str | None], excluded: str | None = None) -> list[str]:
    """The documents of one query's results, best first: each once, never ``excluded`` (the
    query's own paper) nor a paper outside the collection (``None``)."""
    return list(dict.fromkeys(doc for doc in ranked if doc is not None and doc != excluded))


def write_runs(report: Report, folder: Path) -> list[Path]:
    """``<mode>.trec`` in ``folder`` for each mode of the report."""
    return [
        trec.write_run(folder / f"{mode}.trec", run, tag=f"dailypapers-{mode}")
        for mode, run in report.runs.items()
    ]
