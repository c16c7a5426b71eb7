"""Latency over a long run with the indexes refreshing: is p99 within 2x of p50?

For ``seconds``, searches (hybrid, the drawn queries in turn) alternate with "similar papers"
(what a paper page asks), as one worker serving traffic, with the refresh on as in production
(the vector index checks the store every ``semantic.REFRESH_SECONDS``, the keyword index at each
search) while a writer thread stores a new paper every ``WRITE_EVERY`` seconds through the
pipeline and its embedding listener, as a harvest does. The papers it writes are deleted again
at the end.
"""

from __future__ import annotations

import random
import threading
import time

from bench._search.timing import percentiles
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.records import PaperRecord
from dailypapers.search import semantic, service

WRITE_EVERY = 15.0
PREFIX = "2999."  # arXiv ids no real paper has: the run's own papers


def run(db, settings, queries, seconds: float, refresh_seconds: float) -> dict:
    semantic.for_settings(db, settings).refresh_interval = refresh_seconds
    with db.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT paper_id FROM paper_embeddings").all()]
    rng = random.Random(5)
    stop = threading.Event()
    writer = threading.Thread(target=_write, args=(db, settings, stop), daemon=True)
    writer.start()
    searches, pages = [], []
    deadline = time.monotonic() + seconds
    turn = 0
    try:
        while time.monotonic() < deadline:
            _, text = queries[turn % len(queries)]
            started = time.perf_counter()
            service.search(db, settings, text, mode="hybrid")
            searches.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            service.similar_papers(db, settings, rng.choice(ids), k=8)
            pages.append((time.perf_counter() - started) * 1000)
            turn += 1
    finally:
        stop.set()
        writer.join()
        _forget(db)
    return {
        "seconds": seconds,
        "search": percentiles(searches) | {"count": len(searches), "max": max(searches)},
        "similar": percentiles(pages) | {"count": len(pages), "max": max(pages)},
    }


def _write(db, settings, stop: threading.Event) -> None:
    pipeline = Pipeline(db, listeners=[service.indexing_listener(settings)])
    number = 0
    while not stop.wait(WRITE_EVERY):
        number += 1
        pipeline.run(
            [
                PaperRecord(
                    arxiv_id=f"{PREFIX}{number:05d}",
                    title=f"Steady-state probe paper {number} on adaptive octopus controllers",
                    abstract="A paper the latency benchmark stores while it measures.",
                    authors=["Bench Writer"],
                    categories=["cs.RO"],
                    source="bench",
                )
            ]
        )


def _forget(db) -> None:
    with db.write() as conn:
        conn.exec_driver_sql(
            "DELETE FROM paper_embeddings WHERE paper_id IN "
            f"(SELECT id FROM papers WHERE arxiv_id LIKE '{PREFIX}%')"
        )
        conn.exec_driver_sql(f"DELETE FROM papers WHERE arxiv_id LIKE '{PREFIX}%'")
