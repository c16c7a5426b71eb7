"""An SMTP server that is down or answers 4xx/5xx never loses a digest nor stops the digest job."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from dailypapers import background
from dailypapers.cli import main
from dailypapers.db import Database
from dailypapers.digest import jobs, outbox, subscriptions, tokens, worker
from dailypapers.store import outbox as outbox_store
from tests.support import digests
from tests.support.mail import free_port


def _one_digest_due(db, settings, as_of, readers, *addresses):
    """A digest waiting in the outbox for each address (alice's by default)."""
    addresses = addresses or ("alice@example.org",)
    digests.yesterdays_paper(db, as_of)
    readers(*addresses)
    composed = jobs.compose_due(db, settings, as_of)
    assert composed.composed == len(addresses)


def _digests(db, subscription_id=1):
    with db.read() as conn:
        return [
            r for r in outbox_store.for_subscription(conn, subscription_id) if r["kind"] == "digest"
        ]


def test_a_server_that_is_down_loses_no_digest(db, sink, mail_settings, as_of, readers):
    down = mail_settings.model_copy(update={"smtp_port": free_port()})
    _one_digest_due(db, down, as_of, readers)
    for _ in range(3):
        summary = jobs.send_due(db, down)
        assert summary.retried == 1 and summary.sent == 0
    row = _digests(db)[0]
    assert row["status"] == "queued" and row["attempts"] == 3
    assert "Connect" in row["last_error"] or "refused" in row["last_error"].lower()

    assert jobs.send_due(db, mail_settings).sent == 1  # the server is back
    assert len(sink.received) == 1 and _digests(db)[0]["status"] == "sent"


def test_temporary_replies_are_retried_with_exponential_backoff(
    db, sink, mail_settings, as_of, readers, monkeypatch
):
    monkeypatch.setattr(worker, "RETRY_BASE", 60.0)
    _one_digest_due(db, mail_settings, as_of, readers)
    sink.fail("rcpt", "451 4.7.1 Greylisted, try again later")
    before = datetime.now(UTC)
    assert jobs.send_due(db, mail_settings).retried == 1
    row = _digests(db)[0]
    assert row["status"] == "queued" and "451" in row["last_error"]
    assert timedelta(seconds=59) < row["next_attempt_at"] - before < timedelta(seconds=62)
    assert jobs.send_due(db, mail_settings).sent == 0  # not due again yet

    # Time passes: the worker's clock, not the rows, moves on.
    later = row["next_attempt_at"] + timedelta(seconds=1)
    sink.fail("data", "452 4.3.1 Insufficient system storage")  # refused at the end of data
    assert worker.Sender(db, mail_settings, clock=lambda: later).run().retried == 1
    row = _digests(db)[0]
    assert row["status"] == "queued" and "452" in row["last_error"]
    assert row["next_attempt_at"] - later == timedelta(seconds=120)  # doubled

    assert worker.Sender(db, mail_settings, clock=lambda: later).run().sent == 0  # not yet
    latest = row["next_attempt_at"] + timedelta(seconds=1)
    assert worker.Sender(db, mail_settings, clock=lambda: latest).run().sent == 1
    assert len(sink.received) == 1  # exactly once, after two refusals


def test_permanent_failures_are_recorded_and_shown_to_the_admin(
    db, sink, mail_settings, as_of, readers, monkeypatch
):
    _one_digest_due(db, mail_settings, as_of, readers, "alice@example.org", "bob@example.org")
    sink.fail("rcpt", "550 5.1.1 No such user here")
    sink.fail("data", "554 5.7.1 Message rejected as spam")
    monkeypatch.setattr(worker, "CONNECTIONS", 1)
    summary = jobs.send_due(db, mail_settings)
    assert summary.failed == 2 and summary.sent == 0
    assert jobs.send_due(db, mail_settings).failed == 0  # never retried on its own
    assert sink.received == []
    problems = outbox.overview(db).problems
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


def test_it_gives_up_after_the_last_attempt_and_says_so(
    db, sink, mail_settings, as_of, readers, monkeypatch
):
    monkeypatch.setattr(worker, "MAX_ATTEMPTS", 2)
    down = mail_settings.model_copy(update={"smtp_port": free_port()})
    _one_digest_due(db, down, as_of, readers)
    jobs.send_due(db, down)
    assert jobs.send_due(db, down).failed == 1
    row = _digests(db)[0]
    assert row["status"] == "failed" and row["last_error"].startswith("gave up after 2 attempts")


def test_the_mail_job_survives_a_dead_server_and_a_broken_step(
    db, sink, mail_settings, as_of, readers, monkeypatch, caplog
):
    monkeypatch.setattr(jobs, "MAIL_POLL", 0.02)
    monkeypatch.setattr(background, "RETRY_AFTER_FAILURE", 0.02)
    down = mail_settings.model_copy(update={"smtp_port": free_port()})
    _one_digest_due(db, down, as_of, readers)
    nowhere = Database(None)  # no engine at all: every step fails
    job = background.Job("mail", lambda stop: jobs.send_step(db, down, stop))
    broken = background.Job("broken", lambda stop: jobs.send_step(nowhere, down, stop))
    with caplog.at_level(logging.ERROR, logger=background.__name__):
        runner = background.Runner([job, broken]).start()
        assert job.wait_for_steps(3, timeout=10) and broken.wait_for_steps(3, timeout=10)
        runner.stop()
    assert not [t for t in threading.enumerate() if t.name.startswith("dailypapers-")]
    failed = [r.message for r in caplog.records if "step failed" in r.message]
    assert len([m for m in failed if m.startswith("broken:")]) >= 3
    assert not [m for m in failed if m.startswith("mail:")]  # a dead server is no failure
    row = _digests(db)[0]
    assert row["status"] == "queued" and row["attempts"] >= 3  # still there, waiting


def test_a_row_whose_worker_died_after_its_commit_point_is_never_resent(
    db, sink, mail_settings, as_of, readers
):
    _one_digest_due(db, mail_settings, as_of, readers)
    now = datetime.now(UTC)
    # What a worker killed right after step 3 leaves behind: its own claim and commit point
    # (the protocol's steps, as worker.Sender takes them), then nothing.
    with db.write() as conn:
        [row] = outbox_store.claim(conn, "dead-worker", now, now - timedelta(seconds=1), 10)
        assert outbox_store.commit_point(
            conn, row["id"], "dead-worker", now, now - timedelta(seconds=1)
        )
    summary = jobs.send_due(db, mail_settings)
    assert (summary.sent, summary.unconfirmed) == (0, 1)
    assert sink.received == []
    [row] = _digests(db)
    assert row["status"] == "unconfirmed" and "not resent" in row["last_error"]
    assert outbox.requeue(db, [row["id"]]) == [row["id"]]
    assert jobs.send_due(db, mail_settings).sent == 1
    assert [r.message_id for r in sink.received] == [row["message_id"]]


def test_an_unsubscribe_stops_a_digest_a_worker_already_claimed(
    db, sink, mail_settings, as_of, readers
):
    _one_digest_due(db, mail_settings, as_of, readers)
    now = datetime.now(UTC)
    with db.write() as conn:  # a worker's claim (step 1 of the protocol)
        [row] = outbox_store.claim(conn, "w1", now, now + timedelta(minutes=5), 10)
    # The reader clicks the mail's unsubscribe link meanwhile.
    token = tokens.unsubscribe_token(mail_settings, row["subscription_id"], row["recipient"])
    assert not subscriptions.unsubscribe(db, mail_settings, token).active
    with db.write() as conn:  # the worker reaches its commit point after the unsubscribe
        assert not outbox_store.commit_point(conn, row["id"], "w1", now, now)
        assert outbox_store.cancel(conn, row["id"], "w1", now)
    assert _digests(db)[0]["status"] == "cancelled"


def test_two_workers_at_once_send_every_digest_once(
    db, sink, mail_settings, as_of, readers, monkeypatch
):
    monkeypatch.setattr(worker, "BATCH", 4)
    monkeypatch.setattr(worker, "CONNECTIONS", 2)
    digests.yesterdays_paper(db, as_of)
    readers(*(f"reader{n}@example.org" for n in range(60)))
    assert outbox.overview(db).counts == {"sent": 60}  # their confirmations
    threads = [
        threading.Thread(
            target=jobs.run_once,
            args=(db, mail_settings),
            kwargs={"as_of": as_of, "worker_id": f"w{i}"},
        )
        for i in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    ids = [r.message_id for r in sink.received]
    assert len(ids) == 60 and len(set(ids)) == 60
    assert outbox.overview(db).counts == {"sent": 60 + 60}
