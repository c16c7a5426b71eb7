"""Crash test: SIGKILL sending workers at random instants; after restarts every digest has
arrived exactly once (SQLite with one worker, PostgreSQL with two at once).

Workers are real ``dailypapers digest run`` processes (:func:`tests.support.cli.argv`, with a
short lease, two connections and small claims) against the test's database and a loopback SMTP
sink in this process that records every Message-ID it accepts and dedupes nothing.
Most kills land while the worker is sending (after the first message of a run arrived, plus a
random 0-40 ms, which spans several send cycles and so every step of one); every fourth lands at
a random instant of the whole run (start-up, composing, claiming).

``DAILYPAPERS_CRASH_SEED`` replays a run; ``DAILYPAPERS_CRASH_KILLS`` (default 24) stresses it.
"""

from __future__ import annotations

import collections
import multiprocessing
import multiprocessing.forkserver
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
from tests.support import cli, data
from tests.support.cli import argv

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIBERS = 150
KILLS = int(os.environ.get("DAILYPAPERS_CRASH_KILLS", 24))  # more for a stress run
LEASE = 1.0

pytestmark = pytest.mark.slow


def _env(settings) -> dict[str, str]:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAILYPAPERS_")}
    env.update({
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DAILYPAPERS_DATABASE_URL": settings.resolved_database_url,
        "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
        "DAILYPAPERS_SECRET_KEY": settings.secret_key,
        "DAILYPAPERS_BASE_URL": settings.base_url,
        "DAILYPAPERS_MAIL_FROM": settings.mail_from,
        "DAILYPAPERS_SMTP_HOST": settings.smtp_host,
        "DAILYPAPERS_SMTP_PORT": str(settings.smtp_port),
        "DAILYPAPERS_LOG_LEVEL": "WARNING",
    })
    return env


def _command(as_of, name) -> list[str]:  # noqa: ANN001
    """``dailypapers digest run`` as of ``as_of``, with the crash test's tuning."""
    return argv("digest", "run", "--as-of", as_of.isoformat(), "--worker-id", name,
                dailypapers__digest__worker__LEASE=LEASE,
                dailypapers__digest__worker__CONNECTIONS=2,
                dailypapers__digest__worker__BATCH=8,
                dailypapers__digest__worker__RETRY_BASE=0.0)


def _worker(env: dict[str, str], arguments: list[str], log: str) -> None:
    """A worker process's life: the environment a service manager gives it, then the command
    (what ``python -m tests.support.cli`` does with the same arguments)."""
    os.environ.clear()
    os.environ.update(env)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(out, 1)
    os.dup2(out, 2)
    cli.main(arguments)


@pytest.fixture
def start_worker(monkeypatch, tmp_path):  # noqa: ANN001, ANN201
    """``start_worker(env, command)``: a worker running ``command`` (an :func:`argv` command
    line) in a process of its own, forked from a server that imported ``dailypapers.cli`` once.

    Importing the command takes seconds of CPU and nothing a kill could interrupt happens in it:
    forked after it, a worker starts at once, and an "anywhere" kill lands in the command's own
    run. Its output goes to a log file of its own (``.log`` says which)."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")  # no BLAS threads in the server to fork
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["dailypapers.cli", "tests.support.cli", __name__])
    started = []

    def start(env: dict[str, str], command: list[str]) -> multiprocessing.Process:
        assert command[:3] == [sys.executable, "-m", "tests.support.cli"], command
        log = tmp_path / f"worker{len(started)}.log"
        process = context.Process(target=_worker, args=(env, command[3:], str(log)),
                                  daemon=True)
        process.log = log
        process.start()
        started.append(process)
        return process

    yield start
    for process in started:
        if process.is_alive():
            process.kill()
        process.join()
    multiprocessing.forkserver._forkserver._stop()


def _kill_at_random(process, sink, rng) -> str:  # noqa: ANN001
    """SIGKILL ``process`` at a random instant; says where (for the summary)."""
    if rng.random() < 0.25:
        deadline = time.monotonic() + rng.uniform(0.0, 1.6)
        while time.monotonic() < deadline and process.is_alive():
            time.sleep(0.002)
        where = "anywhere"
    else:
        start = len(sink.received)
        deadline = time.monotonic() + 20
        while len(sink.received) == start and process.is_alive():
            if time.monotonic() > deadline:
                break
            time.sleep(0.0005)
        time.sleep(rng.uniform(0.0, 0.04))
        where = "sending"
    process.kill()  # SIGKILL, unless it is gone already
    process.join()
    if process.exitcode == -signal.SIGKILL:
        return where
    assert process.exitcode == 0, process.log.read_text()
    return "finished first"


def test_killed_workers_lose_nothing_and_send_nothing_twice(db, mail_settings, sink, as_of,
                                                             readers, start_worker):
    workers = 2 if db.is_postgresql else 1
    papers = []  # papers for every day the test may compose a digest for
    for day in range(-1, 21):
        at = as_of + timedelta(days=day, hours=-6)
        for n in range(4):
            record = data.paper(f"2603.{(day + 1) * 10 + n:05d}", f"Paper {n} of day {day}",
                                published_at=at)
            papers.append(data.in_feed(record, (as_of + timedelta(days=day)).date(), upvotes=n,
                                       submitted_at=at))
    data.store(db, *papers)
    subscribers = readers(*(f"reader{n}@example.org" for n in range(SUBSCRIBERS)))
    env = _env(mail_settings)
    seed = int(os.environ.get("DAILYPAPERS_CRASH_SEED", time.time_ns() % 10**9))
    rng = random.Random(seed)
    where: collections.Counter[str] = collections.Counter()
    in_doubt_after_kill: set[int] = set()  # rows a kill left between commit point and reply
    kills = 0
    round_number = 0
    while kills < KILLS:
        round_number += 1
        processes = [start_worker(env, _command(as_of, f"w{round_number}.{i}"))
                     for i in range(workers)]
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
        finishing = [subprocess.Popen(_command(as_of, f"final{i}"), env=env, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                     for i in range(workers)]
        for process in finishing:
            _, stderr = process.communicate(timeout=120)
            assert process.returncode == 0, stderr.decode()

    with db.read() as conn:
        counts = outbox_store.counts(conn)
        rows = [row for s in subscribers for row in outbox_store.for_subscription(conn, s.id)
                if row["kind"] == "digest"]  # (the confirmations went out before the kills)
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
