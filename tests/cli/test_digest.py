"""`dailypapers digest run` as a command: --dry-run, --as-of, and the in-process scheduler."""

from __future__ import annotations

import email
import time
from datetime import timedelta
from email import policy

import numpy as np
from click.testing import CliRunner
from fastapi.testclient import TestClient

from dailypapers.digest import recommend
from dailypapers.cli import main
from dailypapers.store import outbox as outbox_store
from dailypapers.store import subscriptions as subscription_store
from dailypapers.web.app import create_app
from tests.digest.conftest import add_paper


def _env(settings) -> dict[str, str]:  # noqa: ANN001
    return {
        "DAILYPAPERS_DATABASE_URL": settings.resolved_database_url,
        "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
        "DAILYPAPERS_SECRET_KEY": settings.secret_key,
        "DAILYPAPERS_BASE_URL": settings.base_url,
        "DAILYPAPERS_SMTP_HOST": settings.smtp_host,
        "DAILYPAPERS_SMTP_PORT": str(settings.smtp_port),
        "DAILYPAPERS_HARVEST_SOURCES": "",
    }


def _readers(db, as_of, count=2):  # noqa: ANN001
    with db.write() as conn:
        add_paper(conn, "2603.00001", "Yesterday's paper", upvotes=7,
                  feed_day=(as_of - timedelta(days=1)).date(),
                  submitted_at=as_of - timedelta(hours=20))
        for name in ("alice", "bob", "carol")[:count]:
            subscription_store.create(conn, f"{name}@example.org", as_of - timedelta(days=2),
                                      confirmed_at=as_of - timedelta(days=2))


def test_dry_run_writes_the_due_digests_as_eml_files_and_changes_nothing(
        db, mail_settings, sink, as_of, tmp_path):
    _readers(db, as_of)
    folder = tmp_path / "mail"
    result = CliRunner().invoke(main, ["digest", "run", "--dry-run", str(folder),
                                       "--as-of", as_of.isoformat()], env=_env(mail_settings))
    assert result.exit_code == 0, result.output
    files = sorted(folder.glob("*.eml"))
    assert len(files) == 2
    parsed = [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
    assert sorted(m["To"] for m in parsed) == ["alice@example.org", "bob@example.org"]
    assert all(m["Subject"].startswith("1 top paper — dailypapers") for m in parsed)
    assert all(m["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click" for m in parsed)
    with db.read() as conn:
        assert outbox_store.counts(conn) == {}
    assert sink.received == []


def test_as_of_composes_what_was_due_then_and_only_once(db, mail_settings, sink, as_of):
    _readers(db, as_of, count=1)
    for _ in range(2):
        result = CliRunner().invoke(main, ["digest", "run", "--as-of", as_of.isoformat()],
                                    env=_env(mail_settings))
        assert result.exit_code == 0, result.output
    assert len(sink.received) == 1
    assert "composed 0" in result.output  # the second run found it composed already
    too_early = CliRunner().invoke(main, ["digest", "run", "--as-of", "2026-01-01"],
                                   env=_env(mail_settings))
    assert too_early.exit_code == 0 and len(sink.received) == 1
    bad = CliRunner().invoke(main, ["digest", "run", "--as-of", "tuesday"],
                             env=_env(mail_settings))
    assert bad.exit_code == 2 and "ISO date-time" in bad.output


def test_the_site_runs_the_scheduler_in_process_only_when_asked(db, mail_settings, sink, as_of):
    with TestClient(create_app(mail_settings, db)) as client:
        assert client.app.state.digest_scheduler is None  # tests' apps: off by default
    fast = mail_settings.model_copy(update={"digest_interval": 0.05})
    client_app = create_app(fast, db, background=True)
    with TestClient(client_app) as client:
        assert client.post("/subscribe", data={"email": "dave@example.org"}).status_code == 200
        scheduler = client.app.state.digest_scheduler
        deadline = time.monotonic() + 10
        while not sink.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert scheduler.thread.is_alive()
    assert not scheduler.thread.is_alive()  # stopped with the app
    assert [r.message["Subject"] for r in sink.received] == [
        "Confirm your dailypapers subscription"]


def test_the_personal_profile_prefers_what_was_liked_and_avoids_what_was_not():
    liked = np.array([[1.0, 0.1, 0.0], [0.9, 0.0, 0.1]])
    disliked = np.array([[0.0, 1.0, 0.0]])
    candidates = np.array([[1.0, 0.0, 0.0], [0.7, 0.7, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    profile = recommend.personal_profile(liked, disliked)
    assert abs(float(np.linalg.norm(profile)) - 1.0) < 1e-6
    scores = recommend.personal_scores(profile, candidates)
    assert list(np.argsort(-scores)) == [0, 1, 3, 2]
    without_negatives = recommend.personal_scores(recommend.personal_profile(liked, None), candidates)
    assert without_negatives[2] > scores[2]  # the "not interested" mark pushed it down
    assert recommend.personal_profile(np.zeros((0, 3)), disliked) is None
