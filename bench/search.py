"""Search benchmark: latency of 200 varied real queries, similar papers, index build and memory.

``python -m bench search [-- --scale 1000000 --skip-quality]``

1. The real store: every paper in ../shared (upstream feed + arXiv listings, about 85k unique)
   imported into ``bench/results/s90k.sqlite3`` and embedded by the real indexing code (resumable;
   the embeddings stay there, so re-runs skip the ~25 minutes of embedding).
2. 200 queries drawn from the data: keywords (the upstream's AI keywords), authors (plain and
   ``au:``), quoted title phrases, natural-language descriptions (AI summaries), arXiv ids and
   URLs, and queries with category / date filters. Each runs through ``service.search`` (query
   embedding, keyword SQL, vector search, fusion, highlighting, cards) in every mode.
3. Quality on the full store: the hand-written queries of tests/search/labelled_queries.tsv and
   300 AI-summary known-item queries, nDCG@10 and Recall@100 per mode.
4. ``--scale N``: the corpus replicated to N papers (ids varied, vectors perturbed) in
   ``bench/results/s1m.sqlite3``, the index rebuilt, the same queries again: scaling and memory.

The machine is shared with other engineers while this runs: numbers are pessimistic.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SHARED = ROOT.parent / "shared" / "data"
LABELLED = ROOT / "tests" / "search" / "labelled_queries.tsv"
QUERIES_DB = RESULTS / "s90k.sqlite3"  # queries are drawn from the real store
console = Console()


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory of this process in MB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def settings_for(db_path: Path, data: Path, models: Path | None = None):
    from dailypapers.config import Settings

    return Settings(data_dir=data, database_url=f"sqlite:///{db_path}", harvest_sources=[],
                    search_refresh_interval=3600.0, search_embed_interval=0.0,
                    search_model_dir=models)


def connect_with_corpus(url: str):
    """The database at ``url``, migrated, with every paper in ../shared (imported once)."""
    from dailypapers.db import connect, migrate
    from dailypapers.ingest import importer

    db = connect(url)
    migrate.upgrade(db)
    with db.read() as conn:
        count = conn.exec_driver_sql("SELECT count(*) FROM papers").scalar()
    if count == 0:
        started = time.perf_counter()
        importer.import_paths(db, [SHARED / "hf-daily-papers", SHARED / "arxiv-listings"])
        console.print(f"imported the shared corpus in {time.perf_counter() - started:.0f} s")
    return db


def ensure_store(db_path: Path, data: Path, *, embed: bool = True):
    from dailypapers.search import indexing

    settings = settings_for(db_path, data)
    db = connect_with_corpus(settings.resolved_database_url)
    pending = indexing.pending_count(db)
    if pending and embed:
        console.print(f"embedding {pending} papers (resumable; cached in {db_path.name})")
        started = time.perf_counter()
        done = indexing.embed_pending(db, settings)
        elapsed = time.perf_counter() - started
        console.print(f"embedded {done} papers in {elapsed:.0f} s ({done / elapsed:.1f}/s)")
    return db, settings


def postgresql_store(url: str, small_db, small_settings, data: Path):
    """The same corpus in PostgreSQL: imported from ../shared, embeddings copied from the SQLite
    store (same model, same texts) so no re-embedding is needed."""
    from sqlalchemy import insert, select

    from dailypapers.config import Settings
    from dailypapers.db.schema import paper_embeddings, papers

    settings = Settings(data_dir=data, database_url=url, harvest_sources=[],
                        search_refresh_interval=3600.0, search_embed_interval=0.0,
                        search_model_dir=small_settings.resolved_search_model_dir)
    db = connect_with_corpus(url)
    with db.read() as conn:
        embedded = conn.exec_driver_sql("SELECT count(*) FROM paper_embeddings").scalar()
        ids = dict(conn.execute(select(papers.c.arxiv_id, papers.c.id)).all())
    if embedded == 0:
        columns = [c for c in paper_embeddings.c if c.name != "paper_id"]
        with small_db.read() as conn:
            rows = conn.execute(select(papers.c.arxiv_id, *columns).join(
                papers, papers.c.id == paper_embeddings.c.paper_id)).mappings().all()
        batch = [{"paper_id": ids[r["arxiv_id"]], **{c.name: r[c.name] for c in columns}}
                 for r in rows if r["arxiv_id"] in ids]
        with db.write() as conn:
            for start in range(0, len(batch), 5000):
                conn.execute(insert(paper_embeddings), batch[start:start + 5000])
        console.print(f"copied {len(batch)} embeddings into PostgreSQL")
    return db, settings


# -- queries ----------------------------------------------------------------------------------


def make_queries(db, total: int = 200, seed: int = 7) -> list[tuple[str, str]]:
    """(kind, query) pairs drawn from the stored papers."""
    rng = random.Random(seed)
    with db.read() as conn:
        feed = conn.exec_driver_sql(
            "SELECT arxiv_id, title, authors, ai_summary, ai_keywords FROM papers "
            "WHERE ai_summary IS NOT NULL ORDER BY id").all()
        listed = conn.exec_driver_sql(
            "SELECT arxiv_id, title, categories FROM papers WHERE listed_on IS NOT NULL "
            "ORDER BY id").all()
    queries: list[tuple[str, str]] = []
    share = {"keywords": 0.2, "author": 0.15, "phrase": 0.15, "description": 0.3, "id": 0.1,
             "filtered": 0.1}
    for kind, fraction in share.items():
        for _ in range(round(total * fraction)):
            row = rng.choice(feed)
            keywords = json.loads(row.ai_keywords or "[]") or [row.title]
            if kind == "keywords":
                query = " ".join(rng.choice(keywords).lower().split()[:3])
            elif kind == "author":
                name = rng.choice(json.loads(row.authors))
                query = name if rng.random() < 0.5 else f'au:"{name}"'
            elif kind == "phrase":
                words = row.title.split()
                start = rng.randrange(max(1, len(words) - 2))
                query = '"' + " ".join(words[start : start + rng.choice((2, 3))]) + '"'
            elif kind == "description":
                query = " ".join(row.ai_summary.split()[:25])
            elif kind == "id":
                other = rng.choice(listed)
                query = rng.choice((other.arxiv_id, f"https://arxiv.org/abs/{other.arxiv_id}v1",
                                    f"arXiv:{row.arxiv_id}"))
            else:
                other = rng.choice(listed)
                word = " ".join(rng.choice(keywords).lower().split()[:2])
                query = rng.choice((
                    f"{word} cat:{json.loads(other.categories)[0]}",
                    f"{word} from:2025-06-01 to:2025-09-30",
                ))
            queries.append((kind, query))
    return queries


# -- measurements -----------------------------------------------------------------------------


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
        ids = [r[0] for r in conn.exec_driver_sql(
            "SELECT paper_id FROM paper_embeddings ORDER BY paper_id").all()]
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
        texts += [embedder.paper_text(r.title, r.abstract) for r in importer.records_from(path)
                  if hasattr(r, "title")]
    texts = texts[:count]
    out = {}
    vectors = {}
    for path in ("onnx-int8", "torch"):
        model = embedder.load(settings.resolved_search_model_dir, path, settings.search_threads)
        model.embed_texts(texts[:16], settings.search_batch_size)
        started = time.perf_counter()
        vectors[path] = model.embed_texts(texts, settings.search_batch_size)
        out[path] = len(texts) / (time.perf_counter() - started)
    out["cosine"] = float((vectors["onnx-int8"] * vectors["torch"]).sum(axis=1).mean())
    return out


def labelled_sets(db, *, summaries: int = 300, titles: int = 0
                  ) -> dict[str, list[tuple[str, set[str]]]]:
    """Query sets with their relevant arXiv ids: the hand-written set, ``summaries`` upstream
    AI summaries and ``titles`` titles (each relevant to its own paper; a fixed sample)."""
    sets: dict[str, list[tuple[str, set[str]]]] = {"hand-written": []}
    for line in LABELLED.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            text, relevant = line.split("\t")
            sets["hand-written"].append((text, set(relevant.split(","))))
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT arxiv_id, ai_summary, title FROM papers WHERE ai_summary IS NOT NULL "
            "ORDER BY id").all()
    rng = random.Random(11)
    chosen = rng.sample(rows, min(summaries, len(rows)))
    sets["AI summaries"] = [(r.ai_summary, {r.arxiv_id}) for r in chosen]
    if titles:
        sets["titles"] = [(r.title, {r.arxiv_id}) for r in rng.sample(rows, titles)]
    return sets


def quality(db, settings, *, summaries: int = 300) -> list[tuple[str, str, float, float]]:
    """(set, mode, nDCG@10, Recall@100) over the whole store."""
    from dailypapers.search import evaluation, service

    sets = labelled_sets(db, summaries=summaries)
    out = []
    for name, items in sets.items():
        for mode in ("keyword", "semantic", "hybrid"):
            ndcg = recall = 0.0
            for text, relevant in items:
                ranked = [i.arxiv_id for i in service.search(db, settings, text, mode=mode,
                                                             limit=100).items]
                grades = dict.fromkeys(relevant, 1)
                ndcg += evaluation.ndcg_at(ranked, grades)
                recall += evaluation.recall_at(ranked, grades)
            out.append((name, mode, ndcg / len(items), recall / len(items)))
    return out


def measure(db, settings, queries, label: str, results: dict, *,
            reuse: bool = False) -> None:
    """Build the index from the store (timed), then serve from its snapshot in a fresh process
    (latency and memory as a web worker would have them). ``reuse`` keeps an existing snapshot
    and the build time measured before."""
    from dailypapers.search import embedder
    from dailypapers.search.vectors import IndexUnreadable, VectorIndex

    index = None
    build = results.get(label, {}).get("index_build_s")
    if reuse:
        try:
            index = VectorIndex.load(settings.resolved_search_index_dir, embedder.MODEL_NAME,
                                     embedder.DIMENSIONS)
        except IndexUnreadable:
            index = None
    if index is None:
        started = time.perf_counter()
        index = VectorIndex.from_store(db, embedder.MODEL_NAME, embedder.DIMENSIONS,
                                       threads=settings.search_threads)
        build = time.perf_counter() - started
        index.save(settings.resolved_search_index_dir)
    size, usearch_mb = len(index), index.graph.memory_usage / 2**20
    del index
    child = subprocess.run(
        [sys.executable, "-m", "bench.search", "--serve", str(settings.resolved_database_url),
         str(settings.data_dir), str(settings.resolved_search_model_dir), str(len(queries)),
         str(QUERIES_DB)],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}"},
    )
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-3000:])
    row = json.loads(child.stdout.strip().splitlines()[-1])
    row.update({"papers": size, "index_build_s": build, "index_mb": usearch_mb})
    results[label] = row


def serve(url: str, data: str, models: str, count: int, queries_from: str) -> dict:
    """The child process: load like a worker, answer every query in every mode."""
    from dailypapers.config import Settings
    from dailypapers.db import connect
    from dailypapers.search import embedder, semantic

    settings = Settings(data_dir=Path(data), database_url=url, search_model_dir=Path(models),
                        harvest_sources=[], search_refresh_interval=3600.0,
                        search_embed_interval=0.0)
    db = connect(url)
    queries = make_queries(connect(f"sqlite:///{queries_from}"), count)
    embedder.for_settings(settings).embed_query("warm up")
    before, _ = rss_mb()
    started = time.perf_counter()
    index, notice = semantic.for_settings(db, settings).get(db)
    load = time.perf_counter() - started
    assert index is not None and notice is None, notice
    loaded, _ = rss_mb()
    row = {"snapshot_load_s": load, "rss_after_load_mb": loaded, "index_rss_mb": loaded - before}
    for mode in ("keyword", "semantic", "hybrid"):
        row[mode] = time_searches(db, settings, queries, mode)
    row["similar"] = time_similar(db, settings)
    row["hybrid_by_kind"] = {
        kind: time_searches(db, settings, [q for q in queries if q[0] == kind], "hybrid")
        for kind in sorted({k for k, _ in queries})
    }
    row["rss_peak_mb"] = rss_mb()[1]
    row["rss_serving_mb"] = rss_mb()[0]
    return row


# -- the replicated corpus --------------------------------------------------------------------


def build_big(small: Path, big: Path, target: int, noise: float = 0.35) -> None:
    """Replicate the store to ``target`` papers: ids 9001.00000 on (never real), vectors of each
    copy perturbed with Gaussian noise (cosine about 0.94 to the original) and re-normalised."""
    source = sqlite3.connect(small)
    copy_to = sqlite3.connect(big)
    source.backup(copy_to)  # consistent even while an indexer writes to the small store
    source.close()
    copy_to.close()
    conn = sqlite3.connect(big)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    base = conn.execute("SELECT max(id) FROM papers").fetchone()[0]
    originals = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    rows = conn.execute(
        "SELECT e.paper_id, e.vector, e.text_hash FROM paper_embeddings e ORDER BY paper_id"
    ).fetchall()
    embedded = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f2").reshape(len(rows), -1)
    rng = np.random.default_rng(5)
    # Papers still lacking an embedding (a store being indexed) borrow a real paper's vector:
    # latency and memory do not depend on which text a vector came from.
    all_ids = [r[0] for r in conn.execute("SELECT id FROM papers ORDER BY id")]
    have = {r[0]: n for n, r in enumerate(rows)}
    lacking = [i for i in all_ids if i not in have]
    if lacking:
        borrowed = embedded[rng.integers(0, len(rows), len(lacking))]
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.executemany(
            "INSERT INTO paper_embeddings (paper_id, model, content_hash, text_hash, vector, "
            "embedded_at) SELECT ?, 'all-MiniLM-L6-v2', content_hash, 'borrowed', ?, ? "
            "FROM papers WHERE id = ?",
            ((i, borrowed[n].tobytes(), now, i) for n, i in enumerate(lacking)))
        conn.commit()
    ids = np.array([*have, *lacking])
    vectors = np.concatenate([embedded, borrowed]) if lacking else embedded
    text_hashes = [r[2] for r in rows] + ["borrowed"] * len(lacking)
    copies = math.ceil(target / originals) - 1
    columns = ("version, title, abstract, authors, categories, primary_category, comment, "
               "published_at, updated_at, abs_url, pdf_url, upstream_upvotes, listed_on, "
               "content_hash, source, created_at, modified_at")
    started = time.perf_counter()
    for copy in range(1, copies + 1):
        offset = copy * base
        conn.execute(
            f"INSERT INTO papers (id, arxiv_id, {columns}) SELECT id + {offset}, "
            f"printf('%02d%02d.%05d', 90 + (id + {offset}) / 1200000, "
            f"((id + {offset}) / 100000) % 12 + 1, (id + {offset}) % 100000), {columns} "
            f"FROM papers WHERE id <= {base} AND arxiv_id NOT LIKE '90%'"
        )
        noisy = vectors.astype(np.float32) + rng.normal(0, noise / math.sqrt(vectors.shape[1]),
                                                        vectors.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        noisy = noisy.astype("<f2")
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        conn.executemany(
            "INSERT INTO paper_embeddings (paper_id, model, content_hash, text_hash, vector, "
            "embedded_at) SELECT ?, 'all-MiniLM-L6-v2', content_hash, ?, ?, ? FROM papers "
            "WHERE id = ?",
            ((int(i) + offset, h, noisy[n].tobytes(), now, int(i) + offset)
             for n, (i, h) in enumerate(zip(ids, text_hashes, strict=True))),
        )
        conn.commit()
        console.print(f"copy {copy}/{copies}: {originals * (copy + 1)} papers "
                      f"({time.perf_counter() - started:.0f} s)")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


# -- output -----------------------------------------------------------------------------------


def print_tables(results: dict) -> None:
    latency = Table(title="search latency (ms; service.search incl. query embedding, SQL, "
                          "vectors, fusion, highlights, cards; shared machine: pessimistic)")
    for column in ("corpus", "what", "p50", "p95", "p99", "mean"):
        latency.add_column(column, justify="right" if column not in ("corpus", "what") else "left")
    for label, row in results.items():
        if not isinstance(row, dict) or "keyword" not in row:
            continue
        for what in ("keyword", "semantic", "hybrid", "similar"):
            stats = row[what]
            latency.add_row(f"{label} ({row['papers']:,})", what,
                            *(f"{stats[k]:.1f}" for k in ("p50", "p95", "p99", "mean")))
        for kind, stats in row["hybrid_by_kind"].items():
            latency.add_row("", f"hybrid: {kind}",
                            *(f"{stats[k]:.1f}" for k in ("p50", "p95", "p99", "mean")))
    console.print(latency)
    build = Table(title="vector index and memory")
    for column in ("corpus", "build s", "snapshot load s", "usearch MB", "index RSS MB",
                   "process RSS MB", "peak RSS MB"):
        build.add_column(column, justify="right")
    for label, row in results.items():
        if isinstance(row, dict) and "index_build_s" in row:
            build.add_row(f"{label} ({row['papers']:,})", f"{row['index_build_s']:.1f}",
                          f"{row['snapshot_load_s']:.2f}", f"{row['index_mb']:.0f}",
                          f"{row['index_rss_mb']:.0f}", f"{row['rss_after_load_mb']:.0f}",
                          f"{row['rss_peak_mb']:.0f}")
    console.print(build)
    if "embedding" in results:
        emb = results["embedding"]
        table = Table(title="embedding")
        for column in ("onnx-int8 abstracts/s", "torch abstracts/s", "cosine int8 vs fp32",
                       "query embedding p50 ms", "p95 ms"):
            table.add_column(column, justify="right")
        table.add_row(f"{emb['onnx-int8']:.1f}", f"{emb['torch']:.1f}", f"{emb['cosine']:.4f}",
                      f"{emb['query']['p50']:.2f}", f"{emb['query']['p95']:.2f}")
        console.print(table)
    if "quality" in results:
        table = Table(title="quality on the full store (real search path)")
        for column in ("set", "mode", "nDCG@10", "Recall@100"):
            table.add_column(column, justify="right" if column[0] in "nR" else "left")
        for name, mode, ndcg, recall in results["quality"]:
            table.add_row(name, mode, f"{ndcg:.4f}", f"{recall:.4f}")
        console.print(table)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench search")
    parser.add_argument("--db", type=Path, default=RESULTS / "s90k.sqlite3")
    parser.add_argument("--data", type=Path, default=RESULTS / "data90k")
    parser.add_argument("--scale", type=int, default=0, help="also replicate to N papers")
    parser.add_argument("--big-db", type=Path, default=RESULTS / "s1m.sqlite3")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-small", action="store_true")
    parser.add_argument("--reuse-index", action="store_true",
                        help="serve from existing snapshots instead of rebuilding them")
    parser.add_argument("--no-embed", action="store_true",
                        help="measure with the embeddings already stored")
    parser.add_argument("--postgresql", default=None, metavar="URL",
                        help="also measure the real corpus on this PostgreSQL database")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = args.db.with_name("search.json")
    results: dict = json.loads(out.read_text()) if out.exists() else {}

    global QUERIES_DB
    QUERIES_DB = args.db
    db, settings = ensure_store(args.db, args.data, embed=not args.no_embed)
    queries = make_queries(db, args.queries)
    if not args.skip_small:
        emb = throughput(settings)
        emb["query"] = time_query_embedding(settings, queries)
        results["embedding"] = emb
        measure(db, settings, queries, "real", results, reuse=args.reuse_index)
        if not args.skip_quality:
            results["quality"] = quality(db, settings)
        out.write_text(json.dumps(results, indent=1, default=str))
    if args.postgresql:
        pg_db, pg_settings = postgresql_store(args.postgresql, db, settings,
                                              args.data.with_name(args.data.name + "-pg"))
        measure(pg_db, pg_settings, queries, "postgresql", results, reuse=args.reuse_index)
        out.write_text(json.dumps(results, indent=1, default=str))
    if args.scale:
        if not args.big_db.exists():
            build_big(args.db, args.big_db, args.scale)
        from dailypapers.db import connect

        big_settings = settings_for(args.big_db, args.data.with_name(args.data.name + "-big"),
                                    settings.resolved_search_model_dir)
        big_db = connect(big_settings.resolved_database_url)
        measure(big_db, big_settings, queries, "replicated", results, reuse=args.reuse_index)
        out.write_text(json.dumps(results, indent=1, default=str))
    print_tables(results)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        url, data, models, count, queries_from = sys.argv[2:7]
        print(json.dumps(serve(url, data, models, int(count), queries_from), default=str))
    else:
        main(sys.argv[1:])
