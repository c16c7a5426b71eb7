"""Crash test: SIGKILL sending workers at random instants; after restarts every digest has
arrived exactly once (SQLite with one worker, PostgreSQL with two at once).

Workers are real ``python -m dailypapers digest run`` processes against the test's database and a
loopback SMTP sink in this process that records every Message-ID it accepts and dedupes nothing.
Most kills land while the worker is sending (after the first message of a run arrived, plus a
random 0-40 ms, which spans several send cycles and so every step of one); every fourth lands at
a random instant of the whole run (start-up, composing, claiming).

``DAILYPAPERS_CRASH_SEED`` replays a run; ``DAILYPAPERS_CRASH_KILLS`` (default 24) stresses it.
"""

from __future__ import annotations

import collections
import os
import random
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from dailypapers.store import outbox as outbox_store
from dailypapers.store import subscriptions as subscription_store
from tests.digest.conftest import add_paper

SRC = Path(__file__).resolve().parents[2] / "src"
SUBSCRIBERS = 150
KILLS = int(os.environ.get("DAILYPAPERS_CRASH_KILLS", 24))  # more for a stress run
LEASE = 1.0

pytestmark = pytest.mark.slow


def _env(settings, sink) -> dict[str, str]:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAILYPAPERS_")}
    env.update({
        "PYTHONPATH": str(SRC),
        "DAILYPAPERS_DATABASE_URL": settings.resolved_database_url,
        "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
        "DAILYPAPERS_SECRET_KEY": settings.secret_key,
        "DAILYPAPERS_BASE_URL": "https://papers.example.org",
        "DAILYPAPERS_MAIL_FROM": "digest@papers.example.org",
        "DAILYPAPERS_SMTP_HOST": "127.0.0.1",
        "DAILYPAPERS_SMTP_PORT": str(sink.controller.port),
        "DAILYPAPERS_DIGEST_LEASE": str(LEASE),
        "DAILYPAPERS_DIGEST_CONNECTIONS": "2",
        "DAILYPAPERS_DIGEST_BATCH": "8",
        "DAILYPAPERS_DIGEST_RETRY_BASE": "0",
        "DAILYPAPERS_LOG_LEVEL": "WARNING",
    })
    return env


def _start(env, as_of, name) -> subprocess.Popen:  # noqa: ANN001
    return subprocess.Popen(
        [sys.executable, "-m", "dailypapers", "digest", "run", "--as-of", as_of.isoformat(),
         "--worker-id", name],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def _kill_at_random(process, sink, rng) -> str:  # noqa: ANN001
    """SIGKILL ``process`` at a random instant; says where (for the summary)."""
    if rng.random() < 0.25:
        deadline = time.monotonic() + rng.uniform(0.0, 1.6)
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.002)
        where = "anywhere"
    else:
        start = len(sink.received)
        deadline = time.monotonic() + 20
        while len(sink.received) == start and process.poll() is None:
            if time.monotonic() > deadline:
                break
            time.sleep(0.0005)
        time.sleep(rng.uniform(0.0, 0.04))
        where = "sending"
    if process.poll() is not None:
        return "finished first"
    process.send_signal(signal.SIGKILL)
    process.wait()
    return where


def test_killed_workers_lose_nothing_and_send_nothing_twice(db, settings, sink, as_of):
    workers = 2 if db.is_postgresql else 1
    with db.write() as conn:  # papers for every day the test may compose a digest for
        for day in range(-1, 21):
            for n in range(4):
                add_paper(conn, f"26{day + 10:02d}.{n:05d}", f"Paper {n} of day {day}",
                          upvotes=n, feed_day=(as_of + timedelta(days=day)).date(),
                          submitted_at=as_of + timedelta(days=day, hours=-6))
        for n in range(SUBSCRIBERS):
            subscription_store.create(conn, f"reader{n}@example.org", as_of - timedelta(days=2),
                                      confirmed_at=as_of - timedelta(days=2))
    env = _env(settings, sink)
    seed = int(os.environ.get("DAILYPAPERS_CRASH_SEED", time.time_ns() % 10**9))
    rng = random.Random(seed)
    where: collections.Counter[str] = collections.Counter()
    in_doubt_after_kill: set[int] = set()  # rows a kill left between commit point and reply
    kills = 0
    round_number = 0
    while kills < KILLS:
        round_number += 1
        processes = [_start(env, as_of, f"w{round_number}.{i}") for i in range(workers)]
        for process in processes:
            outcome = _kill_at_random(process, sink, rng)
            where[outcome] += 1
            kills += outcome != "finished first"
        with db.read() as conn:
            in_doubt_after_kill |= outbox_store.ids_with_status(conn, "committed")
        if not _pending(db, as_of):
            as_of = _next_weekday(as_of)  # all of this period went out: kill tomorrow's senders

    # Restart until nothing is left to send (rows a dead worker held come back after the lease).
    for _ in range(20):
        if not _pending(db, as_of):
            break
        time.sleep(LEASE + 0.1)
        finishing = [_start(env, as_of, f"final{i}") for i in range(workers)]
        for process in finishing:
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr.decode()

    with db.read() as conn:
        counts = outbox_store.counts(conn)
        rows = [row for s in range(1, SUBSCRIBERS + 1)
                for row in outbox_store.for_subscription(conn, s)]
    arrived = collections.Counter(r.message_id for r in sink.received)
    expected = {row["message_id"] for row in rows}
    summary = (f"seed={seed} kills={kills} ({dict(where)}), rounds={round_number}, "
               f"periods={len({r['period'] for r in rows})}, workers={workers}, "
               f"in doubt right after a kill={len(in_doubt_after_kill)}, outbox={counts}, "
               f"arrivals={sum(arrived.values())}")
    print(summary)
    assert kills >= KILLS, summary
    assert [m for m, n in arrived.items() if n > 1] == [], "sent twice: " + summary
    lost = [(r["id"], r["status"], r["attempts"], r["last_error"], r["smtp_reply"])
            for r in rows if r["message_id"] not in arrived]
    assert lost == [], "lost: " + summary
    assert set(arrived) <= expected, "mail that is in no outbox row: " + summary
    assert {r["status"] for r in rows} <= {"sent", "unconfirmed"}, summary
    assert all(r.rcpt_tos == [r.message["To"]] for r in sink.received)


def _pending(db, as_of) -> int:  # noqa: ANN001
    """Digests of ``as_of``'s period not composed yet, plus mails not settled yet."""
    key = f"daily:{as_of.date().isoformat()}"
    with db.read() as conn:
        counts = outbox_store.counts(conn)
        composed = len(outbox_store.subscriptions_with_period(conn, key))
    return (SUBSCRIBERS - composed) + sum(counts.get(s, 0) for s in ("queued", "sending",
                                                                       "committed"))


def _next_weekday(moment):  # noqa: ANN001, ANN202
    moment += timedelta(days=1)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment
