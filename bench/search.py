"""Search benchmark: latency of 200 varied real queries, similar papers, index build and memory.

``python -m bench search [-- --scale 1000000 --skip-quality]``

1. The real store: every paper in ../shared (upstream feed + arXiv listings, about 85k unique)
   imported into ``bench/results/s90k.sqlite3`` and embedded by the real indexing code (resumable;
   the embeddings stay there, so re-runs skip the hour or so of embedding). ``--files N`` makes
   a quick store of the newest N files of each data set instead (``s-files<N>.sqlite3``).
2. 200 queries drawn from the data: keywords (the upstream's AI keywords), authors (plain and
   ``au:``), quoted title phrases, natural-language descriptions (AI summaries), arXiv ids and
   URLs, and queries with category / date filters. Each runs through ``service.search`` (query
   embedding, keyword SQL, vector search, fusion, highlighting, cards) in every mode.
3. Quality on the full store: the hand-written queries of tests/search/labelled_queries.tsv and
   300 AI-summary known-item queries, nDCG@10 and Recall@100 per mode; and everyday queries
   (names, rare terms, a category id, quoted titles, pasted abstracts: bench/_search/everyday.py),
   top 3 judged automatically, per mode.
   ``--steady 300``: five minutes of searches and paper pages with the refresh on and a paper
   stored every 15 s (bench/_search/steady.py): p50 against p99.
4. ``--scale N``: the corpus replicated to N papers (ids varied, vectors perturbed) in
   ``bench/results/s1m.sqlite3``, the index rebuilt, the same queries again: scaling and memory.

The parts live in bench/_search/. The machine is shared with other engineers while this runs:
numbers are pessimistic.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from bench._search import everyday, steady
from bench._search.corpus import (
    RESULTS,
    corpus_paths,
    ensure_store,
    postgresql_store,
    settings_for,
    tune,
)
from bench._search.queries import make_queries
from bench._search.replicate import build_big
from bench._search.serving import measure
from bench._search.tables import print_tables
from bench._search.timing import quality, throughput, time_query_embedding


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench search")
    parser.add_argument(
        "--files",
        type=int,
        default=0,
        metavar="N",
        help="a quick store of the newest N files of each data set in ../shared "
        "(its own --db, --data and --big-db by default)",
    )
    parser.add_argument("--db", type=Path, help="default: bench/results/s90k.sqlite3")
    parser.add_argument("--data", type=Path, help="default: bench/results/data90k")
    parser.add_argument("--scale", type=int, default=0, help="also replicate to N papers")
    parser.add_argument("--big-db", type=Path, help="default: bench/results/s1m.sqlite3")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--everyday", type=int, default=40, metavar="N", help="everyday queries of each kind"
    )
    parser.add_argument(
        "--steady",
        type=float,
        default=0,
        metavar="SECONDS",
        help="also serve this long with the refresh on (p99 against p50)",
    )
    parser.add_argument("--skip-small", action="store_true")
    parser.add_argument(
        "--reuse-index",
        action="store_true",
        help="serve from existing snapshots instead of rebuilding them",
    )
    parser.add_argument(
        "--no-embed", action="store_true", help="measure with the embeddings already stored"
    )
    parser.add_argument(
        "--postgresql",
        default=None,
        metavar="URL",
        help="also measure the real corpus on this PostgreSQL database",
    )
    args = parser.parse_args(argv)
    tag = f"-files{args.files}" if args.files else ""
    args.db = args.db or RESULTS / (f"s{tag}.sqlite3" if tag else "s90k.sqlite3")
    args.data = args.data or RESULTS / (f"data{tag}" if tag else "data90k")
    args.big_db = args.big_db or RESULTS / (f"s{tag}-big.sqlite3" if tag else "s1m.sqlite3")
    args.out = args.db.with_name(f"search{tag}.json")
    return args


def main(argv: list[str]) -> None:
    args = parse(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    production_refresh = tune()
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: dict = json.loads(args.out.read_text()) if args.out.exists() else {}
    paths = corpus_paths(args.files)
    db, settings = ensure_store(args.db, args.data, paths, embed=not args.no_embed)
    queries = make_queries(db, args.queries)
    if not args.skip_small:
        emb = throughput(settings)
        emb["query"] = time_query_embedding(settings, queries)
        results["embedding"] = emb
        measure(db, settings, queries, "real", results, args.db, reuse=args.reuse_index)
        if not args.skip_quality:
            results["quality"] = quality(db, settings)
        if args.everyday:
            results["everyday"] = everyday.judge(db, settings, everyday.draw(db, args.everyday))
        if args.steady:
            results["steady"] = steady.run(db, settings, queries, args.steady, production_refresh)
        save(args, results)
    if args.postgresql:
        pg_data = args.data.with_name(args.data.name + "-pg")
        pg_db, pg_settings = postgresql_store(args.postgresql, db, settings, pg_data, paths)
        measure(pg_db, pg_settings, queries, "postgresql", results, args.db, reuse=args.reuse_index)
        save(args, results)
    if args.scale:
        measure_replicated(args, settings, queries, results)
        save(args, results)
    print_tables(results)


def measure_replicated(args: argparse.Namespace, settings, queries, results: dict) -> None:
    """The store replicated to ``--scale`` papers (built once), measured like the real one."""
    from dailypapers.db import connect

    if not args.big_db.exists():
        build_big(args.db, args.big_db, args.scale)
    big_settings = settings_for(
        args.big_db,
        args.data.with_name(args.data.name + "-big"),
        settings.resolved_search_model_dir,
    )
    big_db = connect(big_settings.resolved_database_url)
    measure(big_db, big_settings, queries, "replicated", results, args.db, reuse=args.reuse_index)


def save(args: argparse.Namespace, results: dict) -> None:
    args.out.write_text(json.dumps(results, indent=1, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
