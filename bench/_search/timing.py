"""What the search benchmark measures through the real code: search and similar-paper latency,
query embedding, embedding throughput of each inference path, memory and search quality."""

from __future__ import annotations

import math
import random
import statistics
import time
from pathlib import Path

from bench._search.corpus import SHARED
from bench._search.queries import labelled_sets

MODES = ("keyword", "semantic", "hybrid")


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "mean": statistics.fmean(ordered)}


def time_searches(db, settings, queries, mode: str) -> dict[str, float]:
    from dailypapers.search import service

    for _, query in queries[:5]:
        service.search(db, settings, query, mode=mode)
    samples = []
    for _, query in queries:
        started = time.perf_counter()
        service.search(db, settings, query, mode=mode)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def time_similar(db, settings, count: int = 200) -> dict[str, float]:
    from dailypapers.search import service

    with db.read() as conn:
        ids = [
            r[0]
            for r in conn.exec_driver_sql(
                "SELECT paper_id FROM paper_embeddings ORDER BY paper_id"
            ).all()
        ]
    chosen = random.Random(3).sample(ids, min(count, len(ids)))
    samples = []
    for paper_id in chosen:
        started = time.perf_counter()
        service.similar_papers(db, settings, paper_id, k=8)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def time_query_embedding(settings, queries) -> dict[str, float]:
    from dailypapers.search import embedder

    model = embedder.for_settings(settings)
    samples = []
    for _, query in queries:
        started = time.perf_counter()
        model.embed_query(query)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def throughput(settings, count: int = 256) -> dict[str, float]:
    """Abstracts per second for each inference path, and their agreement."""
    from dailypapers.ingest import importer
    from dailypapers.search import embedder

    texts = []
    for path in sorted((SHARED / "arxiv-listings").glob("*.jsonl.gz"))[:2]:
        texts += [
            embedder.paper_text(r.title, r.abstract)
            for r in importer.records_from(path)
            if hasattr(r, "title")
        ]
    texts = texts[:count]
    out = {}
    vectors = {}
    for path in ("onnx-int8", "torch"):
        model = embedder.load(settings.resolved_search_model_dir, path, embedder.THREADS)
        model.embed_texts(texts[:16], embedder.BATCH_SIZE)
        started = time.perf_counter()
        vectors[path] = model.embed_texts(texts, embedder.BATCH_SIZE)
        out[path] = len(texts) / (time.perf_counter() - started)
    out["cosine"] = float((vectors["onnx-int8"] * vectors["torch"]).sum(axis=1).mean())
    return out


def quality(db, settings, *, summaries: int = 300) -> list[tuple[str, str, float, float]]:
    """(set, mode, nDCG@10, Recall@100) over the whole store, scored by trec_eval's code."""
    from dailypapers.search import evaluation, service

    out = []
    for name, items in labelled_sets(db, summaries=summaries).items():
        qrels = {str(n): dict.fromkeys(relevant, 1) for n, (_, relevant) in enumerate(items)}
        for mode in MODES:
            run: evaluation.Run = {}
            for n, (text, _) in enumerate(items):
                found = service.search(db, settings, text, mode=mode, limit=100)
                run[str(n)] = evaluation.ranked_ids([item.arxiv_id for item in found.items])
            scores = evaluation.score(qrels, run)
            out.append((name, mode, scores.ndcg_at_10, scores.recall_at_100))
    return out
