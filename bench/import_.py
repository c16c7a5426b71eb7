"""Import speed and memory: the arXiv listings (79,994 papers) and the upstream feed (9,877 papers).

``python -m bench import_ [-- --backends sqlite,postgresql --shares 0.1,0.5,1 --datasets ...]``

Each import runs in its own process on a fresh database (a new SQLite file, or a throwaway
PostgreSQL database made the way the test suite makes one, see ``tests/support/pg.py``), so its
peak RSS is its own. The process migrates first and times only the import; the table gives seconds,
papers per second and peak memory for 10 %, 50 % and 100 % of the files: a flat column shows the
import streams instead of loading everything first. Two memory columns: the peak RSS the kernel
reports, which on SQLite also counts the database file's pages mapped by ``PRAGMA mmap_size``
and the page cache (both capped by the engine's pragmas, so they level off), and the peak
anonymous RSS sampled every 20 ms. Goal: 80k papers in <= 60 s on SQLite on 2
cores. Results also go to ``bench/results/import_.json``.

Every whole dataset (share 100 %) is also checked, as the test suite (which imports samples of
the saved days) does not: all 79,994 listing papers, all 9,877 upstream papers in their 9,881
feed entries (4 papers entered the feed on two days), nothing rejected, and a second import of
the same files finding 0 new, 0 updated and every record unchanged. The counts are printed; a
wrong one fails the benchmark (exit status 1).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared")) / "data"
DATASETS = {
    "arxiv-listings": "arXiv listings",
    "hf-daily-papers": "upstream feed",
}
RESULTS = ROOT / "bench" / "results" / "import_.json"
# What importing each whole dataset must give: papers and feed entries stored.
FULL_COUNTS = {
    "arxiv-listings": {"papers": 79_994, "feed_entries": 0, "in_feed_twice": 0, "records": 79_994},
    "hf-daily-papers": {
        "papers": 9_877,
        "feed_entries": 9_881,
        "in_feed_twice": 4,
        "records": 9_881,
    },  # one record per feed entry
}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench import_")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--shares", default="0.1,0.5,1")
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        _child(args.child[0], [Path(p) for p in args.child[1:]])
        return
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} is absent: the benchmark imports the data in ../shared")

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    shares = [float(s) for s in args.shares.split(",") if s.strip()]
    datasets = [d.strip() for d in args.datasets.split(",") if d.strip()]
    console = Console(width=max(Console().width, 120))
    rows, table = _measure_all(console, datasets, backends, shares)
    console.print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2))
    if not _full_counts_hold(console, rows):
        sys.exit(1)


def _measure_all(
    console: Console, datasets: list[str], backends: list[str], shares: list[float]
) -> tuple[list[dict], Table]:
    rows = []
    table = Table(title=f"import benchmark ({os.cpu_count()} cores)")
    for column in (
        "dataset",
        "backend",
        "share",
        "files",
        "papers",
        "seconds",
        "papers/s",
        "peak RSS MiB",
        "peak anon MiB",
    ):
        table.add_column(
            column, justify="left" if column in ("dataset", "backend") else "right", no_wrap=True
        )
    for dataset in datasets:
        files = sorted((SHARED / dataset).iterdir())
        for backend in backends:
            for share in shares:
                chosen = files[: max(1, round(len(files) * share))]
                console.print(f"{dataset} on {backend}: {len(chosen)} files ...", end=" ")
                result = _run_one(backend, chosen)
                console.print(f"{result['seconds']:.1f} s")
                row = {
                    "dataset": dataset,
                    "backend": backend,
                    "share": share,
                    "files": len(chosen),
                    **result,
                }
                rows.append(row)
                table.add_row(
                    DATASETS.get(dataset, dataset),
                    backend,
                    f"{share:.0%}",
                    str(len(chosen)),
                    f"{result['papers']:,}",
                    f"{result['seconds']:.1f}",
                    f"{result['papers'] / result['seconds']:,.0f}",
                    f"{result['peak_rss_kib'] / 1024:.0f}",
                    f"{result['peak_anon_kib'] / 1024:.0f}",
                )
    return rows, table


def _full_counts_hold(console: Console, rows: list[dict]) -> bool:
    """Print the counts of every whole dataset's import; whether they are all as expected."""
    held = True
    for result in rows:
        if result["share"] < 1 or result["dataset"] not in FULL_COUNTS:
            continue
        problems = _check_full(result["dataset"], result)
        console.print(
            f"{DATASETS[result['dataset']]} on {result['backend']}: {result['papers']:,} "
            f"papers, {result['feed_entries']:,} feed entries ({result['in_feed_twice']} papers "
            f"on two days), {result['rejected']} rejected; re-import {result['again_new']} new "
            f"{result['again_updated']} updated {result['again_unchanged']:,} unchanged "
            f"{result['again_rejected']} rejected {result['again_feed_new']} new feed entries: "
            + ("ok" if not problems else "WRONG: " + "; ".join(problems)),
            highlight=False,
            soft_wrap=True,
        )
        held = held and not problems
    return held


def _check_full(dataset: str, result: dict) -> list[str]:
    """What is wrong with the counts of a whole dataset's import (nothing, when right)."""
    wanted = FULL_COUNTS[dataset]
    got = {
        "papers": result["papers"],
        "new": result["new"],
        "rejected": result["rejected"],
        "feed_entries": result["feed_entries"],
        "in_feed_twice": result["in_feed_twice"],
        "re-import new": result["again_new"],
        "re-import updated": result["again_updated"],
        "re-import unchanged": result["again_unchanged"],
        "re-import rejected": result["again_rejected"],
        "re-import feed entries": result["again_feed_new"],
    }
    expected = {
        "papers": wanted["papers"],
        "new": wanted["papers"],
        "rejected": 0,
        "feed_entries": wanted["feed_entries"],
        "in_feed_twice": wanted["in_feed_twice"],
        "re-import new": 0,
        "re-import updated": 0,
        "re-import unchanged": wanted["records"],
        "re-import rejected": 0,
        "re-import feed entries": 0,
    }
    return [
        f"{name} {got[name]:,} (expected {expected[name]:,})"
        for name in expected
        if got[name] != expected[name]
    ]


def _run_one(backend: str, files: list[Path]) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as scratch:
        if backend == "sqlite":
            url, cleanup = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}", None
        elif backend == "postgresql":
            sys.path.insert(0, str(ROOT))
            from tests.support import pg

            url, name = pg.create_database()
            cleanup = functools.partial(pg.drop_database, name)
        else:
            sys.exit(f"unknown backend {backend!r}")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bench", "import_", "--", "--child", url, *map(str, files)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        finally:
            if cleanup:
                cleanup()
    if done.returncode != 0:
        sys.exit(f"import failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(url: str, files: list[Path]) -> None:
    """In the measured process: migrate, then time the import alone (then import the same
    files again, unmeasured, to count what a second import changes)."""
    import logging

    from sqlalchemy import func, select

    from dailypapers.db import connect, migrate
    from dailypapers.db.schema import feed_entries
    from dailypapers.ingest import importer
    from dailypapers.store import feed as feed_store
    from dailypapers.store import papers as paper_store

    logging.disable(logging.WARNING)
    sampler = _AnonSampler().start()
    db = connect(url)
    migrate.upgrade(db)
    began = time.perf_counter()
    summary = importer.import_paths(db, files)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    peak_anon = sampler.stop()
    with db.read() as conn:
        stored = paper_store.count(conn)
        entries = feed_store.count(conn)
        twice = conn.execute(
            select(func.count()).select_from(
                select(feed_entries.c.paper_id)
                .group_by(feed_entries.c.paper_id)
                .having(func.count() > 1)
                .subquery()
            )
        ).scalar_one()
    again = importer.import_paths(db, files)
    db.dispose()
    print(
        json.dumps(
            {
                "papers": stored,
                "feed_entries": entries,
                "in_feed_twice": twice,
                "new": summary.new,
                "rejected": summary.rejected,
                "again_new": again.new,
                "again_updated": again.updated,
                "again_unchanged": again.unchanged,
                "again_rejected": again.rejected,
                "again_feed_new": again.feed_new,
                "seconds": seconds,
                "peak_rss_kib": peak,
                "peak_anon_kib": peak_anon,
            }
        )
    )


class _AnonSampler:
    """Peak anonymous RSS (heap, SQLite's page cache; not the mmap'ed database file).

    The kernel keeps a peak only for the total RSS, which on SQLite includes the pages of the
    database file mapped through ``PRAGMA mmap_size`` and so grows with the file; sampling
    ``RssAnon`` every 20 ms shows what the import itself holds.
    """

    def __init__(self) -> None:
        import threading

        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> _AnonSampler:
        self._thread.start()
        return self

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, _status_kib("RssAnon"))
            if self._stop.wait(0.02):
                return


def _status_kib(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
