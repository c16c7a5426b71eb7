"""`dailypapers deliver` as a command (one round of webhook deliveries, for cron and tests), and
the ``webhooks`` job of `dailypapers serve`."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from dailypapers.cli import main, serve
from dailypapers.papers import catalog
from dailypapers.webhooks import outbox
from tests.support import cli, data
from tests.support.receivers import Receiver, Reply
from tests.webhooks.conftest import batch_of

pytestmark = pytest.mark.store("feed")


def test_one_round_posts_what_is_due_and_says_what_happened(db, settings, alice):
    cards, _ = catalog.newest(db, 2)
    allowed = settings.model_copy(update={"webhook_allow_private": True})
    good, bad = Receiver().start(), Receiver(Reply(500)).start()
    try:
        ids = []
        for receiver in (good, bad):
            webhook, _ = data.webhook(db, allowed, alice, receiver.url)
            batch = batch_of(cards)
            ids += outbox.enqueue(db, allowed, webhook.id, batch, datetime.now(UTC))
        env = {**cli.env_of(settings), "DAILYPAPERS_WEBHOOK_ALLOW_PRIVATE": "true"}
        result = CliRunner().invoke(main, ["deliver"], env=env)
        assert result.exit_code == 0, result.output
        assert "delivered 1, to retry 1, failed 0" in result.output
        assert [r.delivery_id for r in good.received + bad.received] == ids
    finally:
        good.stop()
        bad.stop()


def test_serve_posts_a_queued_delivery_within_seconds(db, settings, alice, monkeypatch):
    for name, value in {
        **cli.env_of(settings),
        "DAILYPAPERS_JOBS": "webhooks",
        "DAILYPAPERS_WEBHOOK_ALLOW_PRIVATE": "true",
    }.items():
        monkeypatch.setenv(name, value)
    receiver = Receiver().start()
    app = serve.process_app()
    try:
        assert list(app.state.jobs.jobs) == ["webhooks"]
        with TestClient(app):
            allowed = settings.model_copy(update={"webhook_allow_private": True})
            webhook, _ = data.webhook(db, allowed, alice, receiver.url, "slack")
            cards, _ = catalog.newest(db, 3)
            ids = outbox.enqueue(db, allowed, webhook.id, batch_of(cards), datetime.now(UTC))
            assert receiver.wait_for(1, timeout=20)  # woken by the enqueue, not its next poll
    finally:
        app.state.db.dispose()
        receiver.stop()
    assert [r.delivery_id for r in receiver.received] == ids
