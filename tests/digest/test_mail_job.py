"""The mail job: what a click queues (a confirmation) reaches the SMTP server within moments,
through the same durable outbox as digests; an account's mail is rendered and sent like any
other, without a list's unsubscribe headers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx

from dailypapers import background
from dailypapers.cli import serve
from dailypapers.digest import jobs, outbox
from dailypapers.store import account_mail
from dailypapers.web.app import create_app
from tests.support import browser, cli, data, digests

ROOT = Path(__file__).resolve().parents[2]

# Generous: the measured time is printed, and bench/mail.py measures it properly.
ARRIVAL_TIMEOUT = 15.0


def test_it_mails_the_confirmation_at_once_after_the_click(db, mail_settings, sink, monkeypatch):
    # Only being woken can deliver it in time: the job's own look for due mail is 10 min away.
    monkeypatch.setattr(jobs, "MAIL_POLL", 600.0)
    settings = mail_settings.model_copy(update={"jobs": ["digest"]})
    runner = background.Runner(serve.background_jobs(db, settings))
    app = serve.with_jobs(create_app(settings, db), runner)
    with browser.serve(app) as base_url:
        assert runner.jobs["mail"].wait_for_steps(1, timeout=10)  # now waiting out its poll
        clicked = time.monotonic()
        answer = httpx.post(f"{base_url}/subscribe", data={"email": "dave@example.org"})
        assert answer.status_code == 200
        seconds = digests.arrival(
            sink, "dave@example.org", clicked, digests.CONFIRM_SUBJECT, ARRIVAL_TIMEOUT
        )
    print(f"\nclick to SMTP: {seconds * 1000:.0f} ms")
    [mail] = digests.mails_to(sink, "dave@example.org")
    assert mail.message["Subject"] == digests.CONFIRM_SUBJECT


def test_it_sends_mail_another_process_queued_within_seconds(client, db, mail_settings, sink):
    # `dailypapers digest run --loop` as its own process (a site run with DAILYPAPERS_JOBS=''):
    # the click below wakes nothing there, so its own look for due mail must find it.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DAILYPAPERS_")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        DAILYPAPERS_DATABASE_URL=mail_settings.resolved_database_url,
        DAILYPAPERS_DATA_DIR=str(mail_settings.data_dir),
        DAILYPAPERS_SECRET_KEY=mail_settings.secret_key,
        DAILYPAPERS_BASE_URL=mail_settings.base_url,
        DAILYPAPERS_SMTP_HOST=mail_settings.smtp_host,
        DAILYPAPERS_SMTP_PORT=str(mail_settings.smtp_port),
        DAILYPAPERS_LOG_LEVEL="WARNING",
    )
    mailer = subprocess.Popen(
        cli.argv("digest", "run", "--loop"), env=env, cwd=ROOT, stderr=subprocess.PIPE
    )
    try:
        assert b"composed 0" in mailer.stderr.readline()  # its first round is done
        clicked = time.monotonic()
        assert client.post("/subscribe", data={"email": "dave@example.org"}).status_code == 200
        seconds = digests.arrival(
            sink, "dave@example.org", clicked, digests.CONFIRM_SUBJECT, ARRIVAL_TIMEOUT
        )
    finally:
        mailer.send_signal(signal.SIGTERM)
        mailer.communicate(timeout=60)
    assert mailer.returncode == 0
    print(f"\nclick to SMTP through another process: {seconds * 1000:.0f} ms")


def test_an_accounts_mail_goes_out_without_list_headers_and_with_its_link(db, mail_settings, sink):
    erin = data.person(db, "erin", verified=False)
    jobs.send_due(db, mail_settings)
    [mail] = digests.mails_to(sink, "erin@example.org")
    message = mail.message
    assert message["Subject"] == "Confirm your email address"
    assert "List-Unsubscribe" not in message and "List-Id" not in message
    [link] = data.mailed_links(db, erin)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert link in text and f'href="{link}"' in html
    assert "erin" in text and "48 hours" in text
    assert re.search(r"https://papers\.example\.org/never-mail/\S+", text)
    with db.read() as conn:
        [row] = account_mail.for_user(conn, erin.id)
    assert row["status"] == "sent" and row["subscription_id"] is None


def test_an_accounts_mail_that_failed_is_shown_and_resent_like_any_other(db, mail_settings, sink):
    erin = data.person(db, "erin", verified=False)
    sink.fail("rcpt", "550 5.1.1 No such user here")
    assert jobs.send_due(db, mail_settings).failed == 1
    [problem] = outbox.overview(db).problems
    assert (problem["kind"], problem["recipient"]) == ("verify", "erin@example.org")
    assert outbox.requeue(db, [problem["id"]]) == [problem["id"]]
    assert jobs.send_due(db, mail_settings).sent == 1
    [mail] = digests.mails_to(sink, "erin@example.org")
    assert data.mailed_links(db, erin)[0] in mail.message.get_body(("plain",)).get_content()
