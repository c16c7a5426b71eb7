"""`dailypapers digest run` as a command: --dry-run and --as-of."""

from __future__ import annotations

import email
from email import policy

from click.testing import CliRunner

from dailypapers.cli import main
from dailypapers.digest import outbox
from tests.support import cli, digests


def test_dry_run_writes_the_due_digests_as_eml_files_and_changes_nothing(
    db, mail_settings, sink, as_of, readers, tmp_path
):
    digests.yesterdays_paper(db, as_of)
    readers("alice@example.org", "bob@example.org")
    before = outbox.overview(db).counts
    folder = tmp_path / "mail"
    result = CliRunner().invoke(
        main,
        ["digest", "run", "--dry-run", str(folder), "--as-of", as_of.isoformat()],
        env=cli.env_of(mail_settings, mail=True),
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


def test_as_of_composes_what_was_due_then_and_only_once(db, mail_settings, sink, as_of, readers):
    digests.yesterdays_paper(db, as_of)
    readers("alice@example.org")
    for _ in range(2):
        result = CliRunner().invoke(
            main,
            ["digest", "run", "--as-of", as_of.isoformat()],
            env=cli.env_of(mail_settings, mail=True),
        )
        assert result.exit_code == 0, result.output
    assert len(sink.received) == 1
    assert "composed 0" in result.output  # the second run found it composed already
    too_early = CliRunner().invoke(
        main, ["digest", "run", "--as-of", "2026-01-01"], env=cli.env_of(mail_settings, mail=True)
    )
    assert too_early.exit_code == 0 and len(sink.received) == 1
    bad = CliRunner().invoke(
        main, ["digest", "run", "--as-of", "tuesday"], env=cli.env_of(mail_settings, mail=True)
    )
    assert bad.exit_code == 2 and "ISO date-time" in bad.output
