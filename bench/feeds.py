"""Readers' feeds at the 85k real papers: server time of a feed's page and of its JSON.

``python -m bench feeds [-- --requests 40 --postgresql URL]``

The store is the search bench's real one (``bench/results/s90k.sqlite3``, every paper of
../shared, embedded; ``python -m bench search`` builds it), copied once to
``bench/results/feeds90k.sqlite3`` with its search data (this bench migrates its copy and adds
a user and feeds; the original is never written). A dozen realistic feeds are made through the
domain (one category; a category minus a keyword; two authors; a query; "like" text; upvotes
alone; "has code"; combinations), then each feed's page (``/following/{id}``, HTML) and JSON
(``/api/feeds/{id}/papers``) is requested ``--requests`` times in-process (Starlette's test
client: routing, the domain, SQL, rendering; no network), with the page and answer caches off
so every request computes. ``--postgresql URL`` measures the same on PostgreSQL (the corpus
imported there once by the search bench's ``postgresql_store``, embeddings copied).

Goal: p95 <= 20 ms for both. The machine is shared: wall times are pessimistic, so each row
also says the median CPU time of a request in this process (the app and SQLite, not
PostgreSQL's server) and the load average (1 minute) when it was measured.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # this checkout's code, as the tests use it

from bench._search.corpus import corpus_paths, postgresql_store, tune  # noqa: E402 - after the path

RESULTS = ROOT / "bench" / "results"
# The search bench's store and search data, read only; this bench works on its own copies.
SOURCE_DB = RESULTS / "s90k.sqlite3"
SOURCE_DATA = RESULTS / "data90k"
GOAL_MS = 20.0
WARM_UP = 3  # requests per URL before timing: the search indexes load on the first
USERNAME, PASSWORD = "feedbench", "feed bench password 1"
console = Console(width=150)


def feeds(authors: list[str]) -> list[dict]:
    """The dozen feeds measured; ``authors`` are the store's most prolific names."""
    return [
        {"name": "one category", "categories": ["cs.CL"]},
        {"name": "category minus keyword", "categories": ["cs.CL"], "query": "-survey"},
        {"name": "two categories minus one", "categories": ["cs.AI", "cs.LG"],
         "exclude_categories": ["cs.CY"]},
        {"name": "two authors", "authors": authors[:2]},
        {"name": "query only", "query": "diffusion models"},
        {"name": "rare query", "query": "speculative decoding"},
        {"name": "like only",
         "like": "retrieval-augmented generation for question answering over long documents"},
        {"name": "min_upvotes only", "min_upvotes": 50},
        {"name": "has_code only", "has_code": True},
        {"name": "category + has_code", "categories": ["cs.CV"], "has_code": True},
        {"name": "authors + has_code", "authors": authors[:2], "has_code": True},
        {"name": "category + query + upvotes", "categories": ["cs.CL"],
         "query": "large language model", "min_upvotes": 10},
        {"name": "query + has_code", "query": "reinforcement learning", "has_code": True},
        {"name": "authors + query", "authors": authors[:2], "query": "language"},
        {"name": "like + category", "categories": ["cs.CL"],
         "like": "retrieval-augmented generation for question answering over long documents"},
    ]  # fmt: skip


def copy_store(db_path: Path, data: Path) -> None:
    """The lead's store copied with SQLite's backup (consistent while others read it)."""
    if not db_path.exists():
        if not SOURCE_DB.exists():
            sys.exit(f"{SOURCE_DB} is absent: `python -m bench search` builds it")
        source = sqlite3.connect(f"file:{SOURCE_DB}?mode=ro", uri=True)
        target = sqlite3.connect(db_path)
        source.backup(target)
        target.close()
        source.close()
    if not data.exists():
        shutil.copytree(SOURCE_DATA, data)


def settings_of(database_url: str, data: Path, models: Path):
    from dailypapers.config import Settings

    return Settings(
        data_dir=data,
        search_model_dir=models,
        database_url=database_url,
        harvest_sources=[],
        jobs=[],
        cache_seconds=0,  # every request computes: the cost, not the cache's
        api_rate_anonymous=0,
        secret_key="bench-feeds-secret",
    )


def make_feeds(db, settings) -> list[tuple[str, int]]:
    """(name, id) of the bench user's feeds, made once (their names say what they hold)."""
    from dailypapers.accounts import registration, signin
    from dailypapers.feeds import service

    try:
        user = registration.sign_up(db, settings, USERNAME, "feeds@example.com", PASSWORD)
    except registration.AccountError:
        user = signin.authenticate(db, USERNAME, PASSWORD)
    have = {feed.name: feed.id for feed in service.of_user(db, user)}
    for feed in feeds(prolific_authors(db)):
        if feed["name"] not in have:
            have[feed["name"]] = service.create(db, user, feed).id
    return [(feed["name"], have[feed["name"]]) for feed in feeds([])]


def prolific_authors(db) -> list[str]:
    with db.read() as conn:
        rows = conn.exec_driver_sql(
            "SELECT min(name), count(*) AS n FROM paper_authors GROUP BY name_key "
            "ORDER BY n DESC LIMIT 2"
        ).all()
    return [row[0] for row in rows]


def time_url(client, path: str, requests: int) -> dict:
    for _ in range(WARM_UP):
        answer = client.get(path)
        if answer.status_code != 200:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
    took, spent = [], []
    for _ in range(requests):
        started, cpu = time.perf_counter(), time.process_time()
        client.get(path)
        took.append((time.perf_counter() - started) * 1000)
        spent.append((time.process_time() - cpu) * 1000)
    cuts = statistics.quantiles(took, n=100, method="inclusive")
    # CPU time of this process (the app's threads, and SQLite; not PostgreSQL's server): what a
    # request costs here whatever else the shared machine runs, which the wall times include.
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "cpu_p50": statistics.median(spent)}


def ready_indexes(db, settings) -> None:
    """The search's keyword and vector indexes, built first if missing (a build in the
    background would be timed with the feeds)."""
    from dailypapers.search import keyword_index, semantic

    for holder in (keyword_index.for_settings(db, settings), semantic.for_settings(db, settings)):
        holder.get(db)
        holder.wait()


def measure(backend: str, db, settings, requests: int) -> list[dict]:
    from fastapi.testclient import TestClient

    from dailypapers.web.app import create_app

    made = make_feeds(db, settings)
    ready_indexes(db, settings)
    rows = []
    with TestClient(create_app(settings, db)) as client:
        for name, feed_id in made:
            for kind, path in (("page", f"/following/{feed_id}"),
                               ("json", f"/api/feeds/{feed_id}/papers")):  # fmt: skip
                row = {"backend": backend, "feed": name, "kind": kind, "path": path}
                rows.append({**row, **time_url(client, path, requests)})
                rows[-1]["load"] = os.getloadavg()[0]  # the machine is shared: say how busy
                console.print(
                    f"{backend} {name} {kind}: p95 {rows[-1]['p95']:.1f} ms "
                    f"(load {rows[-1]['load']:.1f})"
                )
    return rows


def print_table(rows: list[dict], requests: int) -> None:
    table = Table(title=f"Feed page and JSON, in-process, {requests} requests each, caches off")
    columns = (
        "backend",
        "feed",
        "kind",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "goal p95",
        "cpu p50",
        "load",
    )
    for column in columns:
        table.add_column(
            column, justify="left" if column in ("backend", "feed", "kind") else "right"
        )
    for row in rows:
        met = "ok" if row["p95"] <= GOAL_MS else "MISSED"
        timing = [f"{row[cut]:.1f}" for cut in ("p50", "p95", "p99")]
        goal = f"<= {GOAL_MS:.0f} {met}"
        load = f"{row['load']:.1f}"
        table.add_row(
            row["backend"], row["feed"], row["kind"], *timing, goal, f"{row['cpu_p50']:.1f}", load
        )
    console.print(table)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench feeds")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--db", type=Path, default=RESULTS / "feeds90k.sqlite3")
    parser.add_argument("--data", type=Path, default=RESULTS / "feeds-data90k")
    parser.add_argument("--postgresql", metavar="URL", help="also measure on this PostgreSQL")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args(argv)
    from dailypapers.db import connect, migrate

    tune()
    RESULTS.mkdir(parents=True, exist_ok=True)
    copy_store(args.db, args.data)
    models = args.data / "models"
    settings = settings_of(f"sqlite:///{args.db}", args.data, models)
    db = connect(settings.resolved_database_url)
    migrate.upgrade(db)
    rows = [] if args.skip_sqlite else measure("sqlite", db, settings, args.requests)
    if args.postgresql:
        pg_data = args.data.with_name(args.data.name + "-pg")
        pg_db, _ = postgresql_store(args.postgresql, db, settings, pg_data, corpus_paths())
        rows += measure(
            "postgresql", pg_db, settings_of(args.postgresql, pg_data, models), args.requests
        )
    print_table(rows, args.requests)
    (RESULTS / "feeds.json").write_text(json.dumps(rows, indent=1))
