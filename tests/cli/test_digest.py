"""`dailypapers digest run` as a command: --dry-run and --as-of."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, time, timedelta
from email import policy

import pytest
from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.digest import jobs, outbox, subscriptions
from tests.support import data


def _env(settings) -> dict[str, str]:
    return {
        "DAILYPAPERS_DATABASE_URL": settings.resolved_database_url,
        "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
        "DAILYPAPERS_SECRET_KEY": settings.secret_key,
        "DAILYPAPERS_BASE_URL": settings.base_url,
        "DAILYPAPERS_SMTP_HOST": settings.smtp_host,
        "DAILYPAPERS_SMTP_PORT": str(settings.smtp_port),
        "DAILYPAPERS_HARVEST_SOURCES": "",
    }


@pytest.fixture
def as_of() -> datetime:
    """The next Tuesday 08:00 UTC at least a day away: a daily 07:00 digest is due then."""
    day = (datetime.now(UTC) + timedelta(days=1)).date()
    while day.weekday() != 1:
        day += timedelta(days=1)
    return datetime.combine(day, time(8), tzinfo=UTC)


def _readers(db, settings, sink, as_of, count=2):
    """Yesterday's paper, and ``count`` readers who subscribed and followed the link of their
    confirmation mail (taken out of the sink: a test sees what came after)."""
    at = as_of - timedelta(hours=20)
    data.store(
        db,
        data.in_feed(
            data.paper("2603.00001", "Yesterday's paper", published_at=at),
            (as_of - timedelta(days=1)).date(),
            upvotes=7,
            submitted_at=at,
        ),
    )
    addresses = [f"{name}@example.org" for name in ("alice", "bob", "carol")[:count]]
    for address in addresses:
        subscriptions.subscribe(db, settings, address)
    jobs.send_due(db, settings)
    assert sorted(r.rcpt_tos[0] for r in sink.received) == addresses
    for mail in sink.received:
        text = mail.message.get_body(preferencelist=("plain",)).get_content()
        token = re.search(r"/subscribe/confirm/([A-Za-z0-9._\-]+)", text).group(1)
        assert subscriptions.confirm(db, settings, token).active
    sink.received.clear()


def test_dry_run_writes_the_due_digests_as_eml_files_and_changes_nothing(
    db, mail_settings, sink, as_of, tmp_path
):
    _readers(db, mail_settings, sink, as_of)
    before = outbox.overview(db).counts
    folder = tmp_path / "mail"
    result = CliRunner().invoke(
        main,
        ["digest", "run", "--dry-run", str(folder), "--as-of", as_of.isoformat()],
        env=_env(mail_settings),
    )
    assert result.exit_code == 0, result.output
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert sorted(m["To"] for m in parsed) == ["alice@example.org", "bob@example.org"]
    assert all(m["Subject"].startswith("1 top paper — dailypapers") for m in parsed)
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in parsed)
    assert before == {"sent": 2}  # the confirmations
    assert outbox.overview(db).counts == before
    assert sink.received == []


def test_as_of_composes_what_was_due_then_and_only_once(db, mail_settings, sink, as_of):
    _readers(db, mail_settings, sink, as_of, count=1)
    for _ in range(2):
        result = CliRunner().invoke(
            main, ["digest", "run", "--as-of", as_of.isoformat()], env=_env(mail_settings)
        )
        assert result.exit_code == 0, result.output
    assert len(sink.received) == 1
    assert "composed 0" in result.output  # the second run found it composed already
    too_early = CliRunner().invoke(
        main, ["digest", "run", "--as-of", "2026-01-01"], env=_env(mail_settings)
    )
    assert too_early.exit_code == 0 and len(sink.received) == 1
    bad = CliRunner().invoke(main, ["digest", "run", "--as-of", "tuesday"], env=_env(mail_settings))
    assert bad.exit_code == 2 and "ISO date-time" in bad.output
