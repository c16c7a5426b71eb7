"""Build a store's vector index (timed), then serve from its snapshot in a fresh process, as a
web worker would: ``python -m bench._search.serving URL DATA MODELS COUNT QUERIES_FROM`` is that
process (it prints one JSON line of timings and memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench._search.corpus import ROOT, tune
from bench._search.queries import make_queries
from bench._search.timing import MODES, rss_mb, time_searches, time_similar
from dailypapers.search import keyword_index


def measure(
    db, settings, queries, label: str, results: dict, queries_from: Path, *, reuse: bool = False
) -> None:
    """Build the index from the store (timed), then serve from its snapshot in a fresh process
    (latency and memory as a web worker would have them). ``reuse`` keeps an existing snapshot
    and the build time measured before. The child draws its queries from ``queries_from``."""
    index, build = _index(db, settings, results.get(label, {}).get("index_build_s"), reuse)
    size, usearch_mb = len(index), index.graph.memory_usage / 2**20
    del index
    keyword_build = _keyword_index(
        db, settings, results.get(label, {}).get("keyword_build_s"), reuse
    )
    command = [
        sys.executable,
        "-m",
        "bench._search.serving",
        str(settings.resolved_database_url),
        str(settings.data_dir),
        str(settings.resolved_search_model_dir),
        str(len(queries)),
        str(queries_from),
    ]
    child = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"},
    )
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-3000:])
    row = json.loads(child.stdout.strip().splitlines()[-1])
    folder = keyword_index.folder_of(settings.resolved_search_index_dir)
    row.update(
        {
            "papers": size,
            "index_build_s": build,
            "index_mb": usearch_mb,
            "keyword_build_s": keyword_build,
            "keyword_disk_mb": sum(f.stat().st_size for f in folder.iterdir()) / 2**20,
        }
    )
    results[label] = row


def _index(db, settings, build: float | None, reuse: bool):
    """(the index, seconds its build took): the saved snapshot when ``reuse`` finds one (with
    the earlier ``build`` time), else built from the store and saved."""
    from dailypapers.search import embedder
    from dailypapers.search.vectors import IndexUnreadable, VectorIndex

    if reuse:
        try:
            index = VectorIndex.load(
                settings.resolved_search_index_dir, embedder.MODEL_NAME, embedder.DIMENSIONS
            )
            return index, build
        except IndexUnreadable:
            pass
    started = time.perf_counter()
    index = VectorIndex.from_store(
        db, embedder.MODEL_NAME, embedder.DIMENSIONS, threads=embedder.THREADS
    )
    build = time.perf_counter() - started
    index.save(settings.resolved_search_index_dir)
    return index, build


def _keyword_index(db, settings, build: float | None, reuse: bool) -> float | None:
    """Seconds the keyword index's build took (the earlier ``build`` when ``reuse`` finds it)."""
    from dailypapers.search.textindex import IndexUnreadable, TextIndex

    folder = keyword_index.folder_of(settings.resolved_search_index_dir)
    if reuse:
        try:
            TextIndex.open(folder)
            return build
        except IndexUnreadable:
            pass
    started = time.perf_counter()
    keyword_index.for_settings(db, settings).bring_up_to_date(db, full=True)
    return time.perf_counter() - started


def serve(url: str, data: str, models: str, count: int, queries_from: str) -> dict:
    """The child process: load like a worker, answer every query in every mode."""
    from dailypapers.config import Settings
    from dailypapers.db import connect
    from dailypapers.search import embedder, semantic

    tune()
    settings = Settings(
        data_dir=Path(data),
        database_url=url,
        search_model_dir=Path(models),
        harvest_sources=[],
        jobs=[],
    )
    db = connect(url)
    queries = make_queries(connect(f"sqlite:///{queries_from}"), count)
    embedder.for_settings(settings).embed_query("warm up")
    before, _ = rss_mb()
    started = time.perf_counter()
    index, notice = semantic.for_settings(db, settings).get(db)
    load = time.perf_counter() - started
    assert index is not None and notice is None, notice
    loaded, _ = rss_mb()
    started = time.perf_counter()
    words, notice = keyword_index.for_settings(db, settings).get(db)
    keyword_load = time.perf_counter() - started
    assert words is not None and notice is None, notice
    both, _ = rss_mb()
    row = {
        "snapshot_load_s": load,
        "keyword_load_s": keyword_load,
        "rss_after_load_mb": both,
        "index_rss_mb": loaded - before,
        "keyword_rss_mb": both - loaded,
    }
    for mode in MODES:
        row[mode] = time_searches(db, settings, queries, mode)
    row["similar"] = time_similar(db, settings)
    row["hybrid_by_kind"] = {
        kind: time_searches(db, settings, [q for q in queries if q[0] == kind], "hybrid")
        for kind in sorted({k for k, _ in queries})
    }
    row["rss_peak_mb"] = rss_mb()[1]
    row["rss_serving_mb"] = rss_mb()[0]
    return row


if __name__ == "__main__":
    url, data, models, count, queries_from = sys.argv[1:6]
    print(json.dumps(serve(url, data, models, int(count), queries_from), default=str))
