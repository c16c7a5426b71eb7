"""Search quality on a BEIR collection: nDCG@10 and Recall@100 for keyword, semantic and hybrid.

The collection (``corpus.jsonl`` with _id/title/text, ``queries.jsonl`` with _id/text,
``qrels/<split>.tsv`` with query-id, corpus-id, score) is imported into a throwaway SQLite store
in a temporary folder, never the site's. BEIR ids are not arXiv ids, so each document gets a
synthetic, valid arXiv id (``1501.00000``, ``1501.00001``, ...) and a mapping back: the real
pipeline, embedder, indexes and :func:`search.service.search` run unchanged on it.
"""

from __future__ import annotations

import csv
import json
import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from dailypapers.config import Settings
from dailypapers.db import connect, migrate
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.records import PaperRecord
from dailypapers.search import indexing, semantic, service

MODES = ("keyword", "semantic", "hybrid")
PER_MONTH = 100_000


class InvalidCollection(ValueError):
    """The folder is not a readable BEIR collection; the message says what is missing."""


@dataclass
class Collection:
    corpus: dict[str, tuple[str, str]]  # id -> (title, text)
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: grade}


@dataclass
class Row:
    mode: str
    ndcg_at_10: float
    recall_at_100: float
    ms_per_query: float


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)


def synthetic_id(position: int) -> str:
    """A valid new-style arXiv id for document number ``position`` (0-based)."""
    months = position // PER_MONTH
    return f"{15 + months // 12:02d}{months % 12 + 1:02d}.{position % PER_MONTH:05d}"


def _read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        raise InvalidCollection(f"{path} is missing")
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise InvalidCollection(f"{path} line {number}: {error}") from None
    return rows


def load_beir(folder: Path, split: str = "test") -> Collection:
    corpus = {
        str(row["_id"]): (str(row.get("title") or ""), str(row.get("text") or ""))
        for row in _read_jsonl(folder / "corpus.jsonl")
    }
    queries = {
        str(r["_id"]): str(r.get("text") or "") for r in _read_jsonl(folder / "queries.jsonl")
    }
    qrels_path = folder / "qrels" / f"{split}.tsv"
    if not qrels_path.exists():
        raise InvalidCollection(f"{qrels_path} is missing")
    qrels: dict[str, dict[str, int]] = {}
    with qrels_path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 3 or row[0] == "query-id":
                continue
            query_id, doc_id, grade = row[0], row[1], int(float(row[2]))
            if query_id in queries and doc_id in corpus:
                qrels.setdefault(query_id, {})[doc_id] = grade
    if not qrels:
        raise InvalidCollection(f"{qrels_path} names no query and document of this collection")
    return Collection(corpus, queries, qrels)


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    gain = sum(
        (2 ** grades.get(doc, 0) - 1) / math.log2(rank + 2) for rank, doc in enumerate(ranked[:k])
    )
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    best = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return gain / best if best else 0.0


def recall_at(ranked: list[str], grades: dict[str, int], k: int = 100) -> float:
    relevant = {doc for doc, grade in grades.items() if grade > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


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


def evaluate(
    collection: Collection,
    settings: Settings,
    *,
    modes: tuple[str, ...] = MODES,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import, embed and index the corpus in a throwaway store, then run every query."""
    with tempfile.TemporaryDirectory(prefix="dailypapers-eval-") as folder:
        scratch = Settings(
            data_dir=Path(folder),
            database_url=f"sqlite:///{Path(folder) / 'eval.sqlite3'}",
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
            indexing.write_snapshot(db, scratch)
            # Nothing writes to the scratch store while the queries run: no catching up.
            semantic.for_settings(db, scratch).refresh_interval = float("inf")
            return run_queries(db, scratch, collection, back, modes=modes)
        finally:
            db.dispose()


def run_queries(
    db,
    settings: Settings,
    collection: Collection,
    back: dict[str, str],
    *,
    modes: tuple[str, ...] = MODES,
) -> Report:
    report = Report(queries=list(collection.qrels))
    for mode in modes:
        ndcg = recall = 0.0
        started = time.perf_counter()
        for query_id, grades in collection.qrels.items():
            results = service.search(
                db, settings, collection.queries[query_id], mode=mode, limit=100
            )
            ranked = [back.get(item.arxiv_id, "") for item in results.items]
            ndcg += ndcg_at(ranked, grades)
            recall += recall_at(ranked, grades)
        count = len(collection.qrels)
        elapsed = (time.perf_counter() - started) * 1000 / count
        report.rows.append(Row(mode, ndcg / count, recall / count, elapsed))
    return report
