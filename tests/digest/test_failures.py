"""An SMTP server that is down or answers 4xx/5xx never loses a digest nor stops the scheduler."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.digest import jobs
from dailypapers.digest.scheduler import DigestScheduler
from dailypapers.store import outbox as outbox_store
from dailypapers.store import subscriptions as subscription_store
from tests.digest.conftest import add_paper, free_port


def _one_digest_due(db, settings, as_of, address="alice@example.org"):  # noqa: ANN001
    monday = (as_of - timedelta(days=1)).date()
    with db.write() as conn:
        add_paper(conn, "2603.00001", "A paper", upvotes=5, feed_day=monday,
                  submitted_at=as_of - timedelta(hours=20))
        subscription_store.create(conn, address, as_of - timedelta(days=3),
                                  confirmed_at=as_of - timedelta(days=3))
    composed = jobs.compose_due(db, settings, as_of)
    assert composed.composed == 1


def _rows(db):  # noqa: ANN001
    with db.read() as conn:
        return outbox_store.for_subscription(conn, 1)


def test_a_server_that_is_down_loses_no_digest(db, sink, mail_settings, as_of):
    down = mail_settings.model_copy(update={"smtp_port": free_port()})
    _one_digest_due(db, down, as_of)
    for _ in range(3):
        summary = jobs.send_due(db, down)
        assert summary.retried == 1 and summary.sent == 0
    row = _rows(db)[0]
    assert row["status"] == "queued" and row["attempts"] == 3
    assert "Connect" in row["last_error"] or "refused" in row["last_error"].lower()

    assert jobs.send_due(db, mail_settings).sent == 1  # the server is back
    assert len(sink.received) == 1 and _rows(db)[0]["status"] == "sent"


def test_temporary_replies_are_retried_with_exponential_backoff(db, sink, mail_settings, as_of):
    slow = mail_settings.model_copy(update={"digest_retry_base": 60.0})
    _one_digest_due(db, slow, as_of)
    sink.fail("rcpt", "451 4.7.1 Greylisted, try again later")
    before = datetime.now(UTC)
    assert jobs.send_due(db, slow).retried == 1
    row = _rows(db)[0]
    assert row["status"] == "queued" and "451" in row["last_error"]
    assert timedelta(seconds=59) < row["next_attempt_at"] - before < timedelta(seconds=62)
    assert jobs.send_due(db, slow).sent == 0  # not due again yet

    with db.write() as conn:  # time passes
        conn.execute(outbox_store.outbox.update().values(next_attempt_at=before))
    sink.fail("data", "452 4.3.1 Insufficient system storage")  # refused at the end of data
    assert jobs.send_due(db, slow).retried == 1
    row = _rows(db)[0]
    assert row["status"] == "queued" and "452" in row["last_error"]
    assert timedelta(seconds=119) < row["next_attempt_at"] - before < timedelta(seconds=125)

    with db.write() as conn:
        conn.execute(outbox_store.outbox.update().values(next_attempt_at=before))
    assert jobs.send_due(db, slow).sent == 1
    assert len(sink.received) == 1  # exactly once, after two refusals


def test_permanent_failures_are_recorded_and_shown_to_the_admin(db, sink, mail_settings, as_of,
                                                                monkeypatch):
    _one_digest_due(db, mail_settings, as_of)
    with db.write() as conn:
        subscription_store.create(conn, "bob@example.org", as_of - timedelta(days=3),
                                  confirmed_at=as_of - timedelta(days=3))
    jobs.compose_due(db, mail_settings, as_of)
    sink.fail("rcpt", "550 5.1.1 No such user here")
    sink.fail("data", "554 5.7.1 Message rejected as spam")
    summary = jobs.send_due(db, mail_settings.model_copy(update={"digest_connections": 1}))
    assert summary.failed == 2 and summary.sent == 0
    assert jobs.send_due(db, mail_settings).failed == 0  # never retried on its own
    assert sink.received == []
    with db.read() as conn:
        problems = outbox_store.problems(conn)
    assert {p["status"] for p in problems} == {"failed"}
    assert sorted(p["last_error"][:3] for p in problems) == ["550", "554"]

    monkeypatch.setenv("DAILYPAPERS_DATABASE_URL", mail_settings.resolved_database_url)
    monkeypatch.setenv("DAILYPAPERS_DATA_DIR", str(mail_settings.data_dir))
    result = CliRunner().invoke(main, ["digest", "status"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "550 5.1.1 No such user here" in result.output and "alice@example.org" in result.output
    resend = CliRunner().invoke(main, ["digest", "resend", str(problems[0]["id"])])
    assert resend.exit_code == 0
    assert jobs.send_due(db, mail_settings).sent == 1


def test_it_gives_up_after_the_last_attempt_and_says_so(db, sink, mail_settings, as_of):
    down = mail_settings.model_copy(update={"smtp_port": free_port(), "digest_max_attempts": 2})
    _one_digest_due(db, down, as_of)
    jobs.send_due(db, down)
    assert jobs.send_due(db, down).failed == 1
    row = _rows(db)[0]
    assert row["status"] == "failed" and row["last_error"].startswith("gave up after 2 attempts")


def test_the_scheduler_survives_a_dead_server_and_a_broken_round(db, sink, mail_settings, as_of):
    down = mail_settings.model_copy(update={"smtp_port": free_port(), "digest_interval": 0.02})
    _one_digest_due(db, down, as_of)
    scheduler = DigestScheduler(db, down).start()
    broken = DigestScheduler(db.__class__(None), down).start()  # no engine at all: every round fails
    deadline = time.monotonic() + 10
    while (scheduler.rounds < 3 or broken.rounds < 3) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert scheduler.thread.is_alive() and broken.thread.is_alive()
    assert broken.failures >= 3 and scheduler.failures == 0
    scheduler.stop()
    broken.stop()
    assert not scheduler.thread.is_alive() and not broken.thread.is_alive()
    assert _rows(db)[0]["status"] == "queued"  # still there, waiting for the server


def test_a_row_whose_worker_died_after_its_commit_point_is_never_resent(db, sink, mail_settings,
                                                                        as_of):
    _one_digest_due(db, mail_settings, as_of)
    now = datetime.now(UTC)
    with db.write() as conn:  # what a worker killed right after step 3 leaves behind
        [row] = outbox_store.claim(conn, "dead-worker", now, now - timedelta(seconds=1), 10)
        assert outbox_store.commit_point(conn, row["id"], "dead-worker", now,
                                         now - timedelta(seconds=1))
    summary = jobs.send_due(db, mail_settings)
    assert (summary.sent, summary.unconfirmed) == (0, 1)
    assert sink.received == []
    [row] = _rows(db)
    assert row["status"] == "unconfirmed" and "not resent" in row["last_error"]
    with db.write() as conn:
        assert outbox_store.requeue(conn, row["id"], datetime.now(UTC))
    assert jobs.send_due(db, mail_settings).sent == 1
    assert [r.message_id for r in sink.received] == [row["message_id"]]


def test_an_unsubscribe_stops_a_digest_a_worker_already_claimed(db, sink, mail_settings, as_of):
    _one_digest_due(db, mail_settings, as_of)
    now = datetime.now(UTC)
    with db.write() as conn:
        [row] = outbox_store.claim(conn, "w1", now, now + timedelta(minutes=5), 10)
        subscription_store.unsubscribe(conn, row["subscription_id"], now)
    with db.write() as conn:  # the worker reaches its commit point after the unsubscribe
        assert not outbox_store.commit_point(conn, row["id"], "w1", now, now)
        assert outbox_store.cancel(conn, row["id"], "w1", now)
    assert _rows(db)[0]["status"] == "cancelled"


def test_two_workers_at_once_send_every_digest_once(db, sink, mail_settings, as_of):
    import threading

    monday = (as_of - timedelta(days=1)).date()
    with db.write() as conn:
        add_paper(conn, "2603.00001", "A paper", upvotes=5, feed_day=monday,
                  submitted_at=as_of - timedelta(hours=20))
        for n in range(60):
            subscription_store.create(conn, f"reader{n}@example.org", as_of - timedelta(days=3),
                                      confirmed_at=as_of - timedelta(days=3))
    small = mail_settings.model_copy(update={"digest_batch": 4, "digest_connections": 2})
    threads = [threading.Thread(target=jobs.run_once, args=(db, small),
                                kwargs={"as_of": as_of, "worker_id": f"w{i}"}) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ids = [r.message_id for r in sink.received]
    assert len(ids) == 60 and len(set(ids)) == 60
    with db.read() as conn:
        assert outbox_store.counts(conn) == {"sent": 60}
