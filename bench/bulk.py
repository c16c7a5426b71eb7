"""The arXiv metadata snapshot import: speed and memory of ``dailypapers import`` on a big file.

``python -m bench bulk [-- --papers 2800000 --backends sqlite,postgresql --baseline-src PATH]``

Builds a synthetic snapshot (JSON Lines, the Kaggle dump's layout) from the real records of
../shared (every arXiv listing paper, then every upstream paper, tests/support/snapshots.py),
repeated until it holds ``--papers`` lines, each copy under a fresh id (new-style ids counted up
from 1501.00001, skipping the real ones) so every line is a new paper. The file is kept in the
temporary folder and reused by later runs of the same size. Each backend then gets a fresh
database (a new SQLite file, or a throwaway PostgreSQL database as the suite makes one), migrated
by ``dailypapers db upgrade``, and the file goes through ``dailypapers import`` in a process of
its own, timed from the outside: wall seconds, papers per second, that process's CPU seconds
(on a shared machine the wall clock says more about the neighbours; PostgreSQL's own work is in
its server process, not counted there) and its peak RSS.

``--baseline-src`` names the ``src`` folder of another checkout (the pipeline before a change):
its import of the first ``--baseline-papers`` papers (written as an arXiv listing dump, which a
pipeline that predates the snapshot reads) is measured the same way, beside. The table
is printed with the load average (the machine is shared); results go to bench/results/bulk.json.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from bench import _backends

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.support import corpora, pg, snapshots  # noqa: E402 - once the root is on the path

# New-style ids of five-digit numbers begin in January 2015; the copies count up from there.
FIRST_MONTH = (15, 1)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench bulk")
    parser.add_argument("--papers", type=int, default=300_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--baseline-src", type=Path, default=None)
    parser.add_argument("--baseline-papers", type=int, default=20_000)
    args = parser.parse_args(argv)
    if not corpora.DATA.is_dir():
        sys.exit(f"{corpora.DATA} is absent: the benchmark builds its file from ../shared")
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    runs = [("this checkout", ROOT / "src", args.papers)]
    if args.baseline_src:
        runs.insert(0, ("baseline", args.baseline_src.resolve(), args.baseline_papers))
    results = []
    for label, source, papers in runs:
        dump = synthetic_snapshot(papers) if label != "baseline" else synthetic_listing(papers)
        for backend in backends:
            print(f"{label}: {papers:,} papers on {backend} ...", flush=True)
            result = {"code": label, "src": str(source), "backend": backend, "papers": papers}
            result.update(_run(backend, source, dump))
            print(f"  {result['seconds']:.0f} s, {result['stored']:,} stored", flush=True)
            results.append(result)
    _backends.report(
        "bulk",
        f"snapshot import ({os.cpu_count()} cores, load average {_load()})",
        (
            "code",
            "backend",
            "papers",
            "stored",
            "seconds",
            "papers/s",
            "CPU s",
            "papers/CPU s",
            "peak RSS MiB",
            "load",
        ),  # fmt: skip
        (
            (
                r["code"],
                r["backend"],
                f"{r['papers']:,}",
                f"{r['stored']:,}",
                f"{r['seconds']:.0f}",
                f"{r['stored'] / r['seconds']:,.0f}",
                f"{r['cpu_seconds']:.0f}",
                f"{r['stored'] / r['cpu_seconds']:,.0f}",
                f"{r['peak_rss_kib'] / 1024:.0f}",
                r["load"],
            )
            for r in results
        ),
        results,
    )


def synthetic_snapshot(papers: int) -> Path:
    """A snapshot file of ``papers`` lines, built once per size and kept."""
    path = Path(tempfile.gettempdir()) / f"dailypapers-bench-snapshot-{papers}.jsonl"
    if path.exists():
        return path
    print(f"building {path} ...", flush=True)
    real = list(snapshots.real_objects(corpora.DATA))
    taken = {record["id"] for record in real}
    partial = path.with_suffix(".partial")
    with partial.open("wb") as sink:
        for n, record in zip(range(papers), _copies(real, taken), strict=False):
            sink.write(orjson.dumps(record) + b"\n")
            if n % 500_000 == 0 and n:
                print(f"  {n:,} lines", flush=True)
    partial.rename(path)
    return path


def synthetic_listing(papers: int) -> Path:
    """The first ``papers`` lines of the snapshot as an arXiv listing dump (the same papers, in
    a format a pipeline that predates the snapshot reads), built once per size and kept."""
    path = Path(tempfile.gettempdir()) / f"dailypapers-bench-listing-{papers}.jsonl"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    with synthetic_snapshot(papers).open("rb") as lines, partial.open("wb") as sink:
        for line in lines:
            record = orjson.loads(line)
            listed = {
                "id": record["id"],
                "title": record["title"],
                "summary": record["abstract"],
                "authors": [
                    f"{first} {last}".strip() for last, first, _ in record["authors_parsed"]
                ],
                "categories": record["categories"].split(),
                "comment": record["comments"],
            }
            sink.write(orjson.dumps(listed) + b"\n")
    partial.rename(path)
    return path


def _copies(real: list[dict[str, Any]], taken: set[str]) -> Iterator[dict[str, Any]]:
    """The real records once as they are (the first copy of a paper seen twice is kept), then
    again and again under fresh ids."""
    seen: set[str] = set()
    for record in real:
        if record["id"] not in seen:
            seen.add(record["id"])
            yield record
    fresh = _fresh_ids(taken)
    while True:
        for record in real:
            yield {**record, "id": next(fresh)}


def _fresh_ids(taken: set[str]) -> Iterator[str]:
    year, month = FIRST_MONTH
    while True:
        for number in range(1, 100_000):
            candidate = f"{year:02d}{month:02d}.{number:05d}"
            if candidate not in taken:
                yield candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _run(backend: str, source: Path, dump: Path) -> dict[str, Any]:
    """Import ``dump`` with the code under ``source`` on a fresh database of ``backend``."""
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as scratch:
        if backend == "sqlite":
            url, name = f"sqlite:///{Path(scratch) / 'bench.sqlite3'}", None
        else:
            url, name = pg.create_database()
        env = {
            **os.environ,
            "PYTHONPATH": str(source),
            "DAILYPAPERS_DATABASE_URL": url,
            "DAILYPAPERS_DATA_DIR": scratch,
        }
        command = [sys.executable, "-c", "from dailypapers.cli import main; main()"]
        try:
            subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
            began = time.perf_counter()
            child = subprocess.Popen(
                [*command, "import", "--quiet", str(dump)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - began
            load = _load()
            output = child.stdout.read().decode() + child.stderr.read().decode()
            if status != 0:
                sys.exit(f"the import failed:\n{output[-3000:]}")
            stored = _count(url)
        finally:
            if name:
                pg.drop_database(name)
    return {
        "stored": stored,
        "seconds": seconds,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_kib": usage.ru_maxrss,
        "load": load,
    }


def _count(url: str) -> int:
    from dailypapers.db import connect
    from dailypapers.store import papers as paper_store

    db = connect(url)
    try:
        with db.read() as conn:
            return paper_store.count(conn)
    finally:
        db.dispose()


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())
