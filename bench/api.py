"""API throughput: requests/s of ``/api/daily_papers`` and ``/api/papers/search`` on one worker.

``python -m bench api [-- --backends sqlite,postgresql --seconds 10 --connections 16]``

Imports the real upstream feed (9,877 papers, 580 days; ``--listings`` adds the 79,994 arXiv
listing papers, which search then covers too) into a fresh database, serves the real process
with uvicorn (``dailypapers.cli.serve:process_app``, one worker, as ``dailypapers serve`` runs
it, with no background job) on a loopback port, and loads it with wrk (Debian's ``wrk``;
``make bench`` installs it). Each URL is measured twice: with the response cache on (the
default; the data does not change during a run, so answers come from it) and off
(``DAILYPAPERS_CACHE_SECONDS=0``), which is the cost of computing every answer. The rate limiter
stays on with a limit too high to refuse, so its cost is included. wrk and the server share the
machine's cores: numbers are pessimistic. Goal: >= 1,500 req/s for the daily list. Results also
go to ``bench/results/api.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared")) / "data"
RESULTS = ROOT / "bench" / "results" / "api.json"
URLS = [
    ("daily list (newest 50)", "/api/daily_papers"),
    ("one day", "/api/daily_papers?date=2025-06-10"),
    ("one paper", "/api/papers/2506.08007"),
    ("search", "/api/papers/search?q=diffusion%20models&limit=20"),
]
COLUMNS = ("backend", "endpoint", "cache", "req/s", "p50 ms", "p99 ms", "non-2xx")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench api")
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--listings", action="store_true", help="also import the 79,994 arXiv listing papers"
    )
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: `apt-get install -y wrk` (make bench does it)")
    if not SHARED.is_dir():
        sys.exit(f"{SHARED} is absent: the benchmark serves the data in ../shared")

    console = Console(width=140)
    table = Table(
        title=f"API throughput, one uvicorn worker ({os.cpu_count()} cores shared "
        f"with wrk, {args.connections} connections, {args.seconds} s each)"
    )
    for column in COLUMNS:
        justify = "left" if column in ("backend", "endpoint", "cache") else "right"
        table.add_column(column, justify=justify, no_wrap=True)
    rows = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        rows += measure_backend(backend, args, console)
    for row in rows:
        table.add_row(
            row["backend"],
            f"{row['endpoint']}  {row['path']}",
            row["cache"],
            f"{row['rps']:,.0f}",
            f"{row['p50_ms']:.2f}",
            f"{row['p99_ms']:.2f}",
            str(row["non_2xx"]),
        )
    console.print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2))


def measure_backend(backend: str, args: argparse.Namespace, console: Console) -> list[dict]:
    """A fresh database on ``backend``, imported, then every URL with the cache on and off."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        url, cleanup = _database(backend, Path(tmp))
        try:
            _import(url, Path(tmp), args.listings, console)
            for cache in ("30", "0"):
                with _server(url, Path(tmp), cache) as base:
                    for label, path in URLS:
                        if not _answers(base + path):
                            console.print(
                                f"[yellow]{label}: {path} does not answer 200 "
                                f"here (search not built in?); skipped"
                            )
                            continue
                        result = _wrk(base + path, args.seconds, args.connections)
                        rows.append(
                            {
                                "backend": backend,
                                "endpoint": label,
                                "path": path,
                                "cache": "on" if cache != "0" else "off",
                                **result,
                            }
                        )
        finally:
            cleanup()
    return rows


def _database(backend: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", lambda: None
    sys.path.insert(0, str(ROOT))
    from tests.support import pg

    url, name = pg.create_database()
    return url, lambda: pg.drop_database(name)


def _env(url: str, tmp: Path, cache: str = "30") -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DAILYPAPERS_DATABASE_URL": url,
        "DAILYPAPERS_DATA_DIR": str(tmp / "data"),
        "DAILYPAPERS_HARVEST_SOURCES": "",
        "DAILYPAPERS_JOBS": "",  # the site alone: no harvest, embed or digest job
        "DAILYPAPERS_CACHE_SECONDS": cache,
        # On, but too high to refuse wrk's single client: its cost is part of the numbers.
        "DAILYPAPERS_API_RATE_ANONYMOUS": str(10**9),
        "DAILYPAPERS_LOG_LEVEL": "WARNING",
    }


def _import(url: str, tmp: Path, listings: bool, console: Console) -> None:
    paths = [str(SHARED / "hf-daily-papers")]
    if listings:
        paths.append(str(SHARED / "arxiv-listings"))
    started = time.perf_counter()
    command = [sys.executable, "-m", "dailypapers", "import", "--quiet", *paths]
    subprocess.run(command, env=_env(url, tmp), check=True, stdout=subprocess.DEVNULL)
    names = ", ".join(Path(p).name for p in paths)
    console.print(f"imported {names} in {time.perf_counter() - started:.0f} s")


class _server:  # noqa: N801 - reads as a phrase at the call site
    """uvicorn with the process factory of ``dailypapers serve``, one worker, on a free
    loopback port."""

    def __init__(self, url: str, tmp: Path, cache: str):
        self.env = _env(url, tmp, cache)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]

    def __enter__(self) -> str:
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "dailypapers.cli.serve:process_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            "1",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, env=self.env)
        base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while not _answers(base + "/api/papers?limit=1"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        return base

    def __exit__(self, *_exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=30) as answer:
            return answer.status == 200
    except OSError:
        return False


def _wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    _answers(url)  # warm: the first answer fills caches
    command = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return {
        "rps": rps,
        "p50_ms": _latency(output, "50%"),
        "p99_ms": _latency(output, "99%"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
