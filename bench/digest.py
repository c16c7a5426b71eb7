"""Digest benchmark: compose and hand to a local SMTP sink 10,000 personalised digests.

``python -m bench digest [-- --subscribers N --papers N --connections N --postgresql URL]``

Builds a throwaway store (SQLite by default) with papers in the last week's feed and N readers,
each with their own votes and "not interested" marks (so every digest differs), composes every
due digest into the outbox, then sends the outbox through the real worker to an aiosmtpd sink in
another process that parses nothing and counts what it accepts. Goal: 10,000 in <= 60 s on 2
cores (compose + send).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import socket
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._backends import add_postgresql_option, on_each_backend, report

VOCABULARY = (
    "diffusion transformer language model vision agent reasoning benchmark sparse attention "
    "retrieval alignment reward policy video multimodal robust efficient scaling token graph "
    "neural evaluation dataset synthetic instruction tuning preference"
)
WORDS = VOCABULARY.split()


def _sink(port: int, ready, counter) -> None:
    import asyncio

    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        asyncio.run(asyncio.sleep(10**6))
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def build_store(db, subscribers: int, papers_count: int, as_of: datetime, seed: int = 7) -> None:
    """A week of papers in the feed and ``subscribers`` confirmed daily readers, each with
    three upvotes and two "not interested" marks of their own."""
    from dailypapers.db.schema import (
        feed_entries,
        paper_marks,
        papers,
        subscriptions,
        users,
        votes,
    )

    rng = random.Random(seed)
    confirmed = as_of - timedelta(days=3)
    paper_rows = _paper_rows(rng, papers_count, as_of)
    vote_rows, mark_rows = _taste_rows(rng, subscribers, papers_count, confirmed)
    with db.write() as conn:
        conn.execute(papers.insert(), paper_rows)
        conn.execute(feed_entries.insert(), [_entry_row(p) for p in paper_rows])
        conn.execute(users.insert(), [_user_row(n, confirmed) for n in range(subscribers)])
        conn.execute(
            subscriptions.insert(), [_subscription_row(n, confirmed) for n in range(subscribers)]
        )
        conn.execute(votes.insert(), vote_rows)
        conn.execute(paper_marks.insert(), mark_rows)


def _paper_rows(rng: random.Random, count: int, as_of: datetime) -> list[dict]:
    rows = []
    for n in range(count):
        entered = as_of - timedelta(hours=rng.uniform(2, 24 * 7))
        authors = [f"Author {rng.randrange(5000)}" for _ in range(rng.randint(1, 12))]
        rows.append(
            {
                "id": n + 1,
                "arxiv_id": f"2608.{n:05d}",
                "version": 1,
                "title": _text(rng, 9).capitalize(),
                "abstract": _text(rng, 180),
                "authors": authors,
                "categories": ["cs.CL"],
                "primary_category": "cs.CL",
                "published_at": entered,
                "upstream_upvotes": int(rng.paretovariate(1.2) * 3),
                "content_hash": "x" * 32,
                "source": "bench",
            }
        )
    return rows


def _entry_row(paper: dict) -> dict:
    return {
        "paper_id": paper["id"],
        "feed_day": paper["published_at"].date(),
        "submitted_at": paper["published_at"],
        "upstream_upvotes": paper["upstream_upvotes"],
        "source": "upstream",
    }


def _user_row(n: int, verified: datetime) -> dict:
    # Verified: only a verified account's votes and marks go into the digest of its address.
    return {
        "id": n + 1,
        "username": f"reader{n}",
        "email": f"reader{n}@example.org",
        "email_verified_at": verified,
        "password_hash": "x",
    }


def _subscription_row(n: int, confirmed: datetime) -> dict:
    return {
        "id": n + 1,
        "email": f"reader{n}@example.org",
        "user_id": n + 1,
        "confirmed_at": confirmed,
        "frequency": "daily",
        "timezone": "UTC",
        "send_hour": 7,
        "weekly_day": 0,
        "content": ["top", "trending", "for_you", "searches"],
        "created_at": confirmed,
        "updated_at": confirmed,
    }


def _taste_rows(
    rng: random.Random, subscribers: int, papers_count: int, confirmed: datetime
) -> tuple[list[dict], list[dict]]:
    """(votes, "not interested" marks): three and two papers of each reader's own."""
    votes, marks = {}, {}
    for n in range(subscribers):
        for paper in rng.sample(range(1, papers_count + 1), 3):
            votes[(n + 1, paper)] = {"user_id": n + 1, "paper_id": paper, "created_at": confirmed}
        for paper in rng.sample(range(1, papers_count + 1), 2):
            marks[(n + 1, paper)] = {
                "user_id": n + 1,
                "paper_id": paper,
                "kind": "not_interested",
                "created_at": confirmed,
            }
    return list(votes.values()), list(marks.values())


def run(subscribers: int, papers_count: int, connections: int, postgresql: str | None) -> dict:
    from dailypapers.config import Settings
    from dailypapers.digest import jobs, worker
    from dailypapers.store import outbox as outbox_store

    folder = Path(tempfile.mkdtemp(prefix="bench-digest-"))
    url = postgresql or f"sqlite:///{folder / 'bench.sqlite3'}"
    db = empty_store(url, emptied=bool(postgresql))
    port = _free_port()
    ready = multiprocessing.Event()
    counter = multiprocessing.Value("i", 0)
    sink = multiprocessing.Process(target=_sink, args=(port, ready, counter), daemon=True)
    sink.start()
    ready.wait(30)
    settings = Settings(
        data_dir=folder,
        database_url=url,
        secret_key="bench",
        base_url="https://papers.example.org",
        mail_from="digest@papers.example.org",
        smtp_host="127.0.0.1",
        smtp_port=port,
        harvest_sources=[],
    )
    worker.CONNECTIONS, worker.BATCH = connections, connections * 25  # the Sender reads them
    as_of = datetime(2026, 8, 25, 8, 0, tzinfo=UTC)  # a Tuesday
    started = time.perf_counter()
    build_store(db, subscribers, papers_count, as_of)
    built = time.perf_counter()
    composed = jobs.compose_due(db, settings, as_of)
    compose_done = time.perf_counter()
    summary = worker.Sender(db, settings, worker_id="bench").run()
    sent_done = time.perf_counter()
    deadline = time.monotonic() + 10
    while counter.value < summary.sent and time.monotonic() < deadline:
        time.sleep(0.01)
    with db.read() as conn:
        counts = outbox_store.counts(conn)
    sink.terminate()
    db.dispose()
    return {
        "backend": "postgresql" if postgresql else "sqlite",
        "subscribers": subscribers,
        "papers": papers_count,
        "connections": connections,
        "build_s": built - started,
        "composed": composed.composed,
        "compose_s": compose_done - built,
        "sent": summary.sent,
        "received": counter.value,
        "send_s": sent_done - compose_done,
        "total_s": sent_done - built,
        "per_s": summary.sent / max(sent_done - built, 1e-9),
        "outbox": counts,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def empty_store(url: str, *, emptied: bool):
    """The database at ``url``, migrated; ``emptied`` first drops everything in it (tables,
    trigger functions, the migration stamp) so runs can repeat on PostgreSQL."""
    from dailypapers.db import connect, migrate

    db = connect(url)
    if emptied:
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    migrate.upgrade(db)
    return db


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench digest")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--papers", type=int, default=1_500)
    parser.add_argument("--connections", type=int, default=4)
    add_postgresql_option(parser)
    args = parser.parse_args(argv)
    results = on_each_backend(
        lambda url: run(args.subscribers, args.papers, args.connections, url), args.postgresql
    )
    columns = ("backend", "digests", "compose s", "send s", "total s", "digests/s",
               "received by sink", "peak RSS MB")  # fmt: skip
    rows = [
        (
            r["backend"],
            f"{r['composed']:,}",
            f"{r['compose_s']:.1f}",
            f"{r['send_s']:.1f}",
            f"{r['total_s']:.1f}",
            f"{r['per_s']:.0f}",
            f"{r['received']:,}",
            f"{r['peak_rss_mb']:.0f}",
        )
        for r in results
    ]
    title = "digests: compose + hand to a local SMTP sink (goal: 10,000 in <= 60 s)"
    report("digest", title, columns, rows, results)
