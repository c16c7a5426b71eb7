"""The vector index shared by workers: memory of 1 and 2 worker processes, index read into each
one's memory against mapped from the snapshot, and vector search latency in each.

``python -m bench shared_index [-- --db bench/results/s90k.sqlite3 --data bench/results/data90k]``

Each worker is a fresh process that opens the snapshot as a web worker would (``in-memory``:
``VectorIndex.load(in_memory=True)``, as before workers mapped it; ``mapped``: the default),
runs ``--queries`` searches (stored vectors of random papers as queries, k=100, a fifth of them
with a category filter), then reports ``/proc/self/smaps_rollup``: anonymous memory is the
process's own, file-backed memory (the mapped snapshot) is the page cache, shared by every
process of the machine, and PSS splits shared pages among the processes mapping them. The
workers of a round stay alive until all reported, so the second one's pages are counted shared.
``mapped+delta`` also holds a delta of ``indexing.DELTA_LIMIT`` new papers (the most a worker
holds before the embed job writes a new snapshot), ranked exactly beside the graph.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from bench._search.corpus import RESULTS, ROOT, settings_for

MODES = ("in-memory", "mapped", "mapped+delta")
FIELDS = ("Rss", "Pss", "Anonymous", "Pss_Anon", "Pss_File")


def smaps() -> dict[str, float]:
    """Fields of /proc/self/smaps_rollup in MB."""
    out = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        out[name] = int(value.split()[0]) / 1024
    return out


def child(url: str, folder: str, mode: str, queries: int) -> None:
    """One worker: open the index, search, report, then wait for the parent to let go."""
    from dailypapers.db import connect
    from dailypapers.search import embedder, indexing
    from dailypapers.search.vector_delta import Delta
    from dailypapers.search.vectors import VectorIndex

    db = connect(url)
    rng = np.random.default_rng(7)
    with db.read() as conn:
        top = conn.exec_driver_sql("SELECT max(paper_id) FROM paper_embeddings").scalar()
    ids, vectors = indexing.embeddings_for(db, rng.integers(1, top + 1, queries * 2).tolist())
    vectors = vectors[:queries]
    before = smaps()
    started = time.perf_counter()
    index = VectorIndex.load(
        Path(folder), embedder.MODEL_NAME, embedder.DIMENSIONS, in_memory=(mode == "in-memory")
    )
    opened = time.perf_counter() - started
    if mode == "mapped+delta":
        _fill_delta(index, Delta, indexing.DELTA_LIMIT, rng)
    category = next(iter(index.categories))
    timings = []
    for n, vector in enumerate(vectors):
        started = time.perf_counter()
        allowed = index.mask(categories=[category]) if n % 5 == 0 else None
        index.search(vector, 100, allowed)
        timings.append((time.perf_counter() - started) * 1000)
    after = smaps()
    report = {
        "mode": mode,
        "open_s": opened,
        "p50_ms": float(np.percentile(timings, 50)),
        "p95_ms": float(np.percentile(timings, 95)),
        "papers": len(index),
        **{f"{name}_mb": after[name] for name in FIELDS},
        "index_anon_mb": after["Anonymous"] - before["Anonymous"],
        "index_rss_mb": after["Rss"] - before["Rss"],
    }
    print(json.dumps(report), flush=True)
    sys.stdin.read()  # the parent closes it once every worker of the round reported


def _fill_delta(index, delta_class, count: int, rng) -> None:
    """``count`` papers new since the snapshot: stored vectors, perturbed, under new ids."""
    first = len(index.present)
    index.delta = delta_class(index.dimensions)
    sample = rng.choice(np.flatnonzero(index.present), count, replace=False)
    for n, paper_id in enumerate(sample):
        vector = index.vector_of(int(paper_id)) + rng.normal(0, 0.02, index.dimensions)
        vector = (vector / np.linalg.norm(vector)).astype(np.float32)
        index.delta.put(
            first + n,
            vector,
            day=int(index.days[paper_id]),
            bits=np.asarray(index.category_bits[paper_id]),
            fingerprint=n,
            in_snapshot=False,
        )


def round_of(settings, mode: str, workers: int, queries: int) -> list[dict]:
    command = [
        sys.executable,
        "-m",
        "bench.shared_index",
        "--child",
        settings.resolved_database_url,
        str(settings.resolved_search_index_dir),
        mode,
        str(queries),
    ]
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"}
    processes = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(workers)
    ]
    reports = [json.loads(p.stdout.readline()) for p in processes]
    for process in processes:
        process.stdin.close()
        process.wait(60)
    return reports


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--child":
        child(argv[1], argv[2], argv[3], int(argv[4]))
        return
    parser = argparse.ArgumentParser(prog="python -m bench shared_index")
    parser.add_argument("--db", type=Path, default=RESULTS / "s90k.sqlite3")
    parser.add_argument("--data", type=Path, default=RESULTS / "data90k")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    settings = _with_snapshot(settings_for(args.db, args.data))
    rows = []
    for workers in (1, 2):
        for mode in MODES:
            for worker, report in enumerate(round_of(settings, mode, workers, args.queries)):
                rows.append({"workers": workers, "worker": worker + 1, **report})
    (RESULTS / "shared_index.json").write_text(json.dumps(rows, indent=1))
    table = Table(title=f"vector index per worker process ({rows[0]['papers']:,} papers; MB)")
    columns = ("workers", "worker", "mode", *FIELDS, "index RSS", "index anon", "open s")
    for column in (*columns, "p50 ms", "p95 ms"):
        table.add_column(column, justify="right")
    for row in rows:
        table.add_row(
            str(row["workers"]),
            str(row["worker"]),
            row["mode"],
            *(f"{row[f'{name}_mb']:.0f}" for name in FIELDS),
            f"{row['index_rss_mb']:.0f}",
            f"{row['index_anon_mb']:.0f}",
            f"{row['open_s']:.2f}",
            f"{row['p50_ms']:.2f}",
            f"{row['p95_ms']:.2f}",
        )
    Console(width=200).print(table)


def _with_snapshot(settings):
    """``settings``, with a snapshot of the current layout written from the store if missing."""
    from dailypapers.db import connect
    from dailypapers.search import embedder, indexing
    from dailypapers.search.vectors import IndexUnreadable, VectorIndex

    try:
        VectorIndex.load(
            settings.resolved_search_index_dir, embedder.MODEL_NAME, embedder.DIMENSIONS
        )
    except IndexUnreadable:
        indexing.write_snapshot(connect(settings.resolved_database_url), settings, full=True)
    return settings


if __name__ == "__main__":
    main(sys.argv[1:])
