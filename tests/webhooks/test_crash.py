"""Crash test: SIGKILL ``dailypapers deliver --loop`` while its receiver is slow to answer,
start it again, and again (forked from a server that imported the command, so it starts at
once), then run ``dailypapers deliver`` as cron would; in the end every message has arrived,
each under its own stable delivery id, with the same body every time it came (at least once: a
killed request is sent again, which is what the id is for)."""

from __future__ import annotations

import collections
import os
import random
import signal
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dailypapers.webhooks import outbox
from tests.support import cli, data
from tests.support.receivers import Receiver, Reply
from tests.webhooks.conftest import batch_of

pytestmark = [pytest.mark.store("feed"), pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 6
KILLS = 3
LEASE = 1.0
SLOW = 0.25  # seconds the receiver takes to answer: the window the kills land in


def _env(settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAILYPAPERS_")}
    env.update(cli.env_of(settings))
    env["DAILYPAPERS_WEBHOOK_ALLOW_PRIVATE"] = "true"
    env["DAILYPAPERS_LOG_LEVEL"] = "WARNING"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    return env


def _command(*arguments: str) -> list[str]:
    return cli.argv(
        "deliver",
        *arguments,
        dailypapers__webhooks__sender__LEASE=LEASE,
        dailypapers__webhooks__sender__BATCH=3,
        dailypapers__webhooks__sender__RETRY_BASE=0.0,
        dailypapers__webhooks__jobs__POLL=0.2,
    )


def _kill_mid_delivery(start_worker, env, receiver: Receiver, rng: random.Random) -> None:
    """Start a worker, and SIGKILL it while the receiver holds one of its requests."""
    seen = len(receiver.received)
    worker = start_worker(env, _command("--loop"))
    arrived = receiver.wait_for(seen + 1, timeout=60)
    assert arrived, worker.log.read_text() if not worker.is_alive() else "nothing arrived"
    time.sleep(rng.uniform(0.0, SLOW / 2))
    worker.kill()  # SIGKILL
    worker.join(timeout=30)
    assert worker.exitcode == -signal.SIGKILL


def test_killed_workers_lose_no_delivery_and_keep_every_id(
    db, settings, alice, cards, start_worker
):
    allowed = settings.model_copy(update={"webhook_allow_private": True})
    receiver = Receiver(Reply(200, delay=SLOW)).start()
    try:
        webhook, _ = data.webhook(db, allowed, alice, receiver.url)
        now = datetime.now(UTC)
        ids = [
            delivery_id
            for card in cards[:MESSAGES]
            for delivery_id in outbox.enqueue(db, allowed, webhook.id, batch_of([card]), now)
        ]
        env = _env(settings)
        rng = random.Random(int(os.environ.get("DAILYPAPERS_CRASH_SEED", time.time_ns() % 10**9)))
        for _ in range(KILLS):
            _kill_mid_delivery(start_worker, env, receiver, rng)
        for _ in range(10):  # then rounds to the end, as cron would run them
            if all(d.status == "delivered" for d in outbox.deliveries(db, webhook.id)):
                break
            time.sleep(LEASE + 0.1)  # the killed workers' leases run out
            finished = subprocess.run(
                _command(), env=env, cwd=ROOT, capture_output=True, timeout=120
            )
            assert finished.returncode == 0, finished.stderr.decode()
        arrived = collections.defaultdict(set)
        for request in receiver.received:
            arrived[request.delivery_id].add(request.body)
    finally:
        receiver.stop()
    assert [d.status for d in outbox.deliveries(db, webhook.id)] == ["delivered"] * MESSAGES
    assert set(arrived) == set(ids)
    assert all(len(bodies) == 1 for bodies in arrived.values())
    assert len(receiver.received) > MESSAGES  # the killed requests came again, same ids
