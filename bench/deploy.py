"""The deployment under load and faults: ``python -m bench deploy [-- --seconds 60]``.

Starts a throwaway PostgreSQL cluster (its own folder and port: the bench stops it, which it
must not do to the one the tests share), imports the newest ``--days`` of the real upstream feed,
signs readers up, and runs ``dailypapers serve --workers 2`` as a subprocess. Then
``--connections`` readers (half signed in) drive mixed traffic for ``--seconds``: pages, search,
the API, upvotes and comments. A third of the way in one web worker is SIGKILLed (uvicorn's
supervisor starts another); at 60 % PostgreSQL is stopped (a fast shutdown) and started again
after :data:`OUTAGE_SECONDS`.

It prints requests/s and p50/p95/p99 per phase, then the checks: every vote and comment
acknowledged with a 2xx is in the database exactly once; no 5xx away from the outage; each
request in the outage got a 503 with Retry-After; how soon the site answered again after the
database; the log's lines about the outage and its tracebacks. Results also go to
``bench/results/deploy.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]  # this checkout's code and its test helpers

from rich.console import Console  # noqa: E402 - after the path of this checkout

from bench._deploy import report  # noqa: E402 - after the path of this checkout
from bench._deploy.cluster import Cluster, free_port  # noqa: E402 - after the path
from bench._deploy.load import Load, Reader, Site, sign_in  # noqa: E402 - after the path
from bench._deploy.processes import Server, environment  # noqa: E402 - after the path

SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared")) / "data"
RESULTS = ROOT / "bench" / "results" / "deploy.json"
# As long as the PostgreSQL restarts the issue saw (6 s): long enough for every worker's pool to
# fail and for clients to see many 503s, short enough to keep the run short.
OUTAGE_SECONDS = 5.0
WARM_UP_SECONDS = 10.0
WORDS = ["diffusion", "language", "reasoning", "vision", "agents", "video", "robot", "benchmark"]
console = Console(width=150)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench deploy")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--days", type=int, default=20, help="newest upstream days imported")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-deploy-") as tmp:
        cluster = Cluster(Path(tmp))
        cluster.create()
        try:
            run(args, cluster, Path(tmp))
        finally:
            cluster.remove()


def run(args: argparse.Namespace, cluster: Cluster, tmp: Path) -> None:
    port = free_port()
    env = environment(cluster.url, tmp / "data", port)
    site, usernames = prepare(cluster.url, env, args)
    readers = [Reader(None, _address(n)) for n in range(args.connections - len(usernames))]
    with Server(env, args.workers, tmp / "serve.log", ROOT) as server:
        for n, username in enumerate(usernames, start=len(readers)):
            reader = Reader(username, _address(n))
            sign_in(server.base, reader, PASSWORD, site.papers[0])
            readers.append(reader)
        console.print(f"serving on {server.base}: {len(readers)} readers, {args.seconds:.0f} s")
        # Each worker's first requests compile templates, open (or build) the search indexes
        # and fill the pools: reading only, not measured.
        asyncio.run(Load(server.base, site, readers, writes=False).run(WARM_UP_SECONDS))
        load = Load(server.base, site, readers)
        faults = asyncio.run(drive(load, cluster, server, args))
    log = (tmp / "serve.log").read_text()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.with_name("deploy-serve.log").write_text(log)
    stored = stored_writes(cluster.url)
    results = report.summarise(load, faults, stored, log, args)
    report.show(console, results)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    outcomes = [[o.kind, round(o.start, 3), round(o.end, 3), o.status] for o in load.outcomes]
    RESULTS.with_name("deploy-outcomes.json").write_text(json.dumps(outcomes))


PASSWORD = "correct horse battery"


def _address(n: int) -> str:
    return f"10.1.{n // 250}.{n % 250 + 1}"


def prepare(url: str, env: dict[str, str], args) -> tuple[Site, list[str]]:
    """Import the newest days, sign readers up; (what readers ask for, the signed-in ones)."""
    import subprocess

    files = sorted((SHARED / "hf-daily-papers").glob("*.json*"))[-args.days :]
    if not files:
        raise SystemExit(f"{SHARED} has no upstream days: the bench imports real ones")
    started = time.perf_counter()
    command = [sys.executable, "-m", "dailypapers", "import", "--quiet", *map(str, files)]
    subprocess.run(command, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    console.print(f"imported {len(files)} days in {time.perf_counter() - started:.1f} s")
    from argon2 import PasswordHasher
    from sqlalchemy import text

    from dailypapers.accounts import passwords
    from dailypapers.config import Settings
    from dailypapers.db import connect
    from dailypapers.search import keyword_index
    from tests.support import data

    # Cheap hashes for the bench's own readers (the server verifies any argon2 hash).
    passwords.hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    db = connect(url)
    usernames = [f"reader{n}" for n in range(args.connections // 2)]
    for username in usernames:
        data.person(db, username)
    # The keyword index exists before the site starts, as after `dailypapers index`: the index
    # job's work, not the web workers'.
    settings = Settings(data_dir=Path(env["DAILYPAPERS_DATA_DIR"]), database_url=url)
    keyword_index.for_settings(db, settings).bring_up_to_date(db)
    with db.read() as conn:
        rows = conn.execute(
            text(
                "SELECT p.arxiv_id, f.feed_day FROM feed_entries f "
                "JOIN papers p ON p.id = f.paper_id ORDER BY f.feed_day DESC LIMIT 400"
            )
        ).all()
    db.dispose()
    days = sorted({str(row.feed_day) for row in rows})
    return Site(days, [row.arxiv_id for row in rows], WORDS), usernames


async def drive(load: Load, cluster: Cluster, server: Server, args) -> dict[str, float]:
    """The load, with a worker killed and the database restarted on the way; when each fault
    happened (seconds since the load began)."""
    faults: dict[str, float] = {}

    async def at(fraction: float) -> None:
        await asyncio.sleep(max(0.0, load.started + fraction * args.seconds - time.monotonic()))

    def now() -> float:
        return time.monotonic() - load.started

    async def inject() -> None:
        await at(0.33)
        server.kill_a_worker()
        faults["worker_killed"] = now()
        while len(server.worker_pids()) < args.workers:
            await asyncio.sleep(0.05)
        faults["worker_replaced"] = now()
        await at(0.6)
        faults["database_stopping"] = now()
        await asyncio.to_thread(cluster.stop)
        faults["database_stopped"] = now()
        await asyncio.sleep(OUTAGE_SECONDS)
        await asyncio.to_thread(cluster.start)
        faults["database_ready"] = now()

    await asyncio.gather(load.run(args.seconds), inject())
    return faults


def stored_writes(url: str) -> dict[str, dict]:
    """How many times each (reader, paper) vote and each bench comment is stored."""
    from sqlalchemy import text

    from dailypapers.db import connect

    db = connect(url)
    with db.read() as conn:
        votes = conn.execute(
            text(
                "SELECT u.username, p.arxiv_id, count(*) AS n FROM votes v "
                "JOIN users u ON u.id = v.user_id JOIN papers p ON p.id = v.paper_id "
                "GROUP BY u.username, p.arxiv_id"
            )
        ).all()
        comments = conn.execute(
            text(
                "SELECT body, count(*) AS n FROM comments "
                "WHERE body LIKE 'deploy bench comment %' GROUP BY body"
            )
        ).all()
    db.dispose()
    return {
        "votes": {(r.username, r.arxiv_id): r.n for r in votes},
        "comments": {r.body: r.n for r in comments},
    }
