"""What the webhook tests share: batches made of the real papers of the ``feed`` store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dailypapers.papers import catalog
from dailypapers.papers.records import Card
from dailypapers.webhooks import sender
from dailypapers.webhooks.records import Batch
from tests.support.receivers import Receiver

FEED_URL = "http://testserver/feeds/7"


def batch_of(cards: list[Card], name: str = "Language models") -> Batch:
    return Batch(name, FEED_URL, cards, datetime(2026, 12, 1, 9, tzinfo=UTC))


@pytest.fixture
def cards(db) -> list[Card]:
    """Every paper of the store (the ``feed`` template's real papers), newest first."""
    found, _ = catalog.newest(db, 1000)
    assert len(found) > 50, "the feed store has fewer papers than the tests expect"
    return found


@pytest.fixture
def private_ok(settings):
    """The settings with ``DAILYPAPERS_WEBHOOK_ALLOW_PRIVATE`` on: the tests' receivers are on
    loopback."""
    return settings.model_copy(update={"webhook_allow_private": True})


@pytest.fixture
def receiver():
    """A webhook receiver on loopback (:class:`tests.support.receivers.Receiver`)."""
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch):
    """Retries due at once (no backoff): a test runs the next attempt when it wants it."""
    monkeypatch.setattr(sender, "RETRY_BASE", 0.0)
