"""Server time of the site's pages and requests/s of the daily page on one worker.

``python -m bench pages [-- --requests N --duration S --connections C --database-url URL
--data-dir DIR --for-you PHRASE]``

Imports the whole real upstream feed (9,877 papers, ~17 a day) into a throwaway SQLite store (or
uses ``--database-url``, already migrated and imported), adds a little local activity, and serves
it with ``uvicorn`` (one worker, uvloop + httptools) in a separate process, composed by
``dailypapers serve``'s own factory (``dailypapers.cli.serve:process_app``, with no background
job). Then:

- **server time**: N sequential requests per page; the app's own ``Server-Timing`` header gives
  the time from request to response start inside the worker, apart from client overhead. Pages:
  the daily page and a paper page, for a signed-out reader (page cache on: what most readers
  get), with the page cache off (every request renders), and signed in (never cached).
- **throughput**: ``wrk`` on loopback against the daily page, signed out, page cache on and off.
- **for you** (with ``--for-you PHRASE``, on a store with embeddings and its ``--data-dir``): the
  bench user's library is a collection of the 10 newest papers whose title holds PHRASE, and
  ``/for-you`` is timed signed in: its first view (the archive part computed) and the views
  after it.

Goals: <= 5 ms p50 per page, >= 1,500 req/s for the daily page on SQLite. The machine
is shared (2 cores, other engineers' jobs): these numbers are pessimistic, and wrk shares the
cores with the server.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # this checkout's code, as the tests use it

from rich.console import Console  # noqa: E402 - after the path of this checkout
from rich.table import Table  # noqa: E402 - after the path of this checkout

SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared")) / "data"
RESULTS = ROOT / "bench" / "results"
console = Console()
USERNAME, PASSWORD = "benchuser", "bench password 1"


def build_store(
    data_dir: Path, database_url: str | None, for_you: str | None = None
) -> tuple[str, str, str, list[str]]:
    """(database URL, secret key, newest day, arXiv ids of that day) with some local activity."""
    from dailypapers.config import Settings
    from dailypapers.db import connect, migrate
    from dailypapers.ingest import importer
    from dailypapers.papers import listing

    secret = "bench-pages-secret"
    settings = Settings(
        data_dir=data_dir, database_url=database_url or "", secret_key=secret, harvest_sources=[]
    )
    db = connect(settings.resolved_database_url)
    migrate.upgrade(db)
    if database_url is None:
        started = time.perf_counter()
        importer.import_paths(db, [SHARED / "hf-daily-papers"])
        console.print(f"imported the upstream feed in {time.perf_counter() - started:.1f} s")
    view = listing.day(db)
    ids = [card.arxiv_id for card in view.cards]
    user = add_activity(db, settings, ids[0])
    if for_you:
        add_library(db, user, for_you)
    db.dispose()
    return settings.resolved_database_url, secret, view.label, ids


def add_activity(db, settings, arxiv_id: str) -> None:
    """The bench user (signed up once) upvotes ``arxiv_id`` and discusses it, as a popular
    paper's page has it."""
    from dailypapers.accounts import registration, signin
    from dailypapers.papers import discussion, voting

    try:
        user = registration.sign_up(db, settings, USERNAME, "bench@example.com", PASSWORD)
    except registration.AccountError:
        user = signin.authenticate(db, USERNAME, PASSWORD)
    voting.upvote(db, user.id, arxiv_id)
    for i in range(6):
        first = discussion.post(
            db,
            user.id,
            arxiv_id,
            f"Comment {i} with **Markdown** and a [link](https://example.org).",
            limits=discussion.UNLIMITED,
        )
        discussion.post(
            db, user.id, arxiv_id, "A reply.", parent_id=first.id, limits=discussion.UNLIMITED
        )
    return user


def add_library(db, user, phrase: str) -> None:
    """A collection of the 10 newest papers whose title holds ``phrase``: the bench user's
    library, which "for you" recommends from."""
    from sqlalchemy import select

    from dailypapers.db.schema import papers
    from dailypapers.library import collections

    with db.read() as conn:
        chosen = conn.execute(
            select(papers.c.arxiv_id)
            .where(papers.c.title.ilike(f"%{phrase}%"))
            .order_by(papers.c.id.desc())
            .limit(10)
        ).scalars()
        arxiv_ids = list(chosen)
    if len(arxiv_ids) < 10:
        sys.exit(f"only {len(arxiv_ids)} papers have {phrase!r} in their title")
    made = collections.create(db, user, {"title": f"bench: {phrase}", "private": True})
    for arxiv_id in arxiv_ids:
        collections.add(db, user, made.id, arxiv_id)


@contextmanager
def server(database_url: str, secret: str, data_dir: Path, *, cache_seconds: float):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "DAILYPAPERS_DATA_DIR": str(data_dir),
        "DAILYPAPERS_DATABASE_URL": database_url,
        "DAILYPAPERS_SECRET_KEY": secret,
        "DAILYPAPERS_HARVEST_SOURCES": "",
        "DAILYPAPERS_JOBS": "",  # the site alone
        "DAILYPAPERS_CACHE_SECONDS": str(cache_seconds),
        "DAILYPAPERS_LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "dailypapers.cli.serve:process_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "warning",
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/static/css/site.css", timeout=2)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def sign_in(base: str) -> dict[str, str]:
    import httpx

    with httpx.Client(base_url=base) as client:
        form = client.get("/signin").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        client.post("/signin", data={"csrf_token": token, "login": USERNAME, "password": PASSWORD})
        return dict(client.cookies)


def server_times(
    base: str, paths: list[str], requests: int, cookies: dict[str, str] | None = None
) -> list[float]:
    """Server-Timing durations (ms) of ``requests`` sequential GETs cycling through ``paths``."""
    import httpx

    times = []
    with httpx.Client(base_url=base, cookies=cookies) as client:
        for path in paths:  # warm up templates, connections and (if on) the cache
            client.get(path)
        for i in range(requests):
            response = client.get(paths[i % len(paths)])
            response.raise_for_status()
            times.append(float(response.headers["server-timing"].split("dur=")[1]))
    return times


def wrk(url: str, duration: int, connections: int) -> float | None:
    """Requests/s wrk measured against ``url`` (one thread), or None without wrk."""
    if shutil.which("wrk") is None:
        return None
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses from {url}")
    return float(match.group(1)) if match else None


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench pages", description=__doc__)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--duration", type=int, default=10, help="seconds of each wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--database-url",
        help="an already imported store (default: a new SQLite store with the real upstream feed)",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="that store's data folder (its search indexes and model)"
    )
    parser.add_argument("--for-you", metavar="PHRASE", help="time /for-you (see above)")
    args = parser.parse_args(argv)
    if args.database_url is None and not (SHARED / "hf-daily-papers").is_dir():
        sys.exit(f"{SHARED}/hf-daily-papers is missing")
    with tempfile.TemporaryDirectory(prefix="dailypapers-bench-pages-") as tmp:
        url, rows, throughput = measure(args, args.data_dir or Path(tmp))
    print_results(args, url, rows, throughput)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "pages.json").write_text(
        json.dumps(
            {
                "server_time_ms": [
                    dict(zip(("page", "reader", "p50", "p95", "cache"), r, strict=True))
                    for r in rows
                ],
                "daily_requests_per_second": throughput,
            },
            indent=2,
        )
    )


def measure(
    args: argparse.Namespace, data_dir: Path
) -> tuple[str, list[tuple], dict[str, float | None]]:
    """(database URL, server-time rows, the daily page's requests/s by cache state)."""
    rows: list[tuple[str, str, float, float, str]] = []
    throughput: dict[str, float | None] = {}
    url, secret, day, ids = build_store(data_dir, args.database_url, args.for_you)
    daily = f"/papers/date/{day}"
    pages = (("daily", [daily]), ("paper", [f"/papers/{i}" for i in ids]))
    console.print(f"daily page {daily}: {len(ids)} papers; paper pages: {len(ids)} of them")
    for cache_seconds, label in ((30.0, "cache on"), (0.0, "cache off")):
        with server(url, secret, data_dir, cache_seconds=cache_seconds) as base:
            for reader, cookies in readers(base, cached=bool(cache_seconds)):
                for page, paths in pages:
                    times = server_times(base, paths, args.requests, cookies)
                    rows.append(
                        (page, reader, statistics.median(times), percentile(times, 95), label)
                    )
                if cookies and args.for_you:
                    rows += for_you_rows(base, cookies, args.requests, label)
            throughput[label] = wrk(base + daily, args.duration, args.connections)
    return url, rows, throughput


def for_you_rows(base: str, cookies: dict[str, str], requests: int, label: str) -> list[tuple]:
    """/for-you signed in: its first view, then ``requests`` views after it."""
    import httpx

    with httpx.Client(base_url=base, cookies=cookies, timeout=120) as client:
        first = client.get("/for-you")
        first.raise_for_status()
        if "From the archive" not in first.text:
            raise RuntimeError("/for-you shows no archive part: has the store embeddings?")
    first_ms = float(first.headers["server-timing"].split("dur=")[1])
    times = server_times(base, ["/for-you"], requests, cookies)
    return [
        ("for you, first view", "signed in", first_ms, first_ms, label),
        ("for you", "signed in", statistics.median(times), percentile(times, 95), label),
    ]


def readers(base: str, *, cached: bool) -> Iterator[tuple[str, dict[str, str] | None]]:
    """(reader, cookies): signed out, then (with the cache on) signed in, signing in only once
    the signed-out pages are measured."""
    yield "signed out" + ("" if cached else ", renders every time"), None
    if cached:
        yield "signed in (never cached)", sign_in(base)


def print_results(
    args: argparse.Namespace, url: str, rows: list[tuple], throughput: dict[str, float | None]
) -> None:
    backend = "SQLite" if url.startswith("sqlite") else url.split(":")[0]
    table = Table(
        title=f"site pages on {backend} ({args.requests} requests each; server time "
        "from Server-Timing)"
    )
    for column in ("page", "reader", "p50 ms", "p95 ms", "page cache"):
        table.add_column(column, justify="right" if "ms" in column else "left")
    for page, reader, p50, p95, label in rows:
        table.add_row(page, reader, f"{p50:.2f}", f"{p95:.2f}", label)
    console.print(table)
    load = Table(
        title=f"daily page, one worker, wrk -t1 -c{args.connections} "
        f"-d{args.duration}s on loopback (shares the 2 cores with the server)"
    )
    load.add_column("page cache")
    load.add_column("req/s", justify="right")
    for label, value in throughput.items():
        load.add_row(label, f"{value:,.0f}" if value else "wrk not installed")
    console.print(load)
    console.print(
        "goals: <= 5 ms p50 per page; >= 1,500 req/s for the daily page on SQLite. "
        "The machine is shared: numbers are pessimistic."
    )


if __name__ == "__main__":
    main(sys.argv[1:])
