"""A feed's webhooks get what the feed matches once it is stored: a batch a round of new papers,
none twice, the excluded never; a feed made private stops reaching someone else's webhook."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dailypapers.feeds import service as feeds
from dailypapers.ingest import importer
from dailypapers.papers import catalog
from dailypapers.webhooks import batching, jobs, subscriptions
from tests.support import corpora, data

pytestmark = pytest.mark.store("feed")

LATER_DAY = "2025-06-17"  # the arXiv listing of the day after the feed store's last
BENCHMARKING = "2506.12577"  # a cs.CL paper of that day with "benchmark" in its abstract


@pytest.fixture(autouse=True)
def settled(monkeypatch):
    """Papers count as settled as soon as they are stored (see batching.SETTLE)."""
    monkeypatch.setattr(batching, "SETTLE", timedelta(0))


def _sent(receiver) -> list[str]:
    return [paper["id"] for r in receiver.received for paper in r.json()["papers"]]


def test_a_feeds_new_papers_reach_its_webhook_once_without_the_excluded(
    db, private_ok, alice, receiver
):
    feed = data.feed(db, alice, "cs.CL", categories=["cs.CL"], query="-benchmark")
    subscriptions.add(db, private_ok, user=alice, feed_id=feed.id, url=receiver.url, fmt="json")
    jobs.deliver_once(db, private_ok)
    assert receiver.received == []  # what was stored before the webhook is not news

    summary = importer.import_paths(db, [corpora.listing_file(LATER_DAY)])
    assert summary.rejected == 0 and summary.new > 100
    jobs.deliver_once(db, private_ok)
    sent = _sent(receiver)
    assert sent and len(sent) == len(set(sent)) <= batching.BATCH_PAPERS
    assert BENCHMARKING not in sent
    assert all("cs.CL" in card.categories for card in (catalog.card(db, i) for i in sent))
    assert {r.json()["feed"]["url"] for r in receiver.received} == {
        f"{private_ok.base_url}{feed.path}"
    }

    jobs.deliver_once(db, private_ok)
    assert _sent(receiver) == sent  # the next round has nothing new to send


def test_a_feed_made_private_stops_reaching_someone_elses_webhook(
    db, private_ok, alice, bob, receiver
):
    feed = data.feed(db, bob, "Bob's cs.CL", categories=["cs.CL"])
    subscriptions.add(db, private_ok, user=alice, feed_id=feed.id, url=receiver.url, fmt="json")
    feeds.change(db, bob, feed.id, {"private": True})
    importer.import_paths(db, [corpora.listing_file(LATER_DAY)])
    jobs.deliver_once(db, private_ok)
    assert receiver.received == []


def test_a_round_that_finds_the_mark_moved_queues_nothing_twice(db, private_ok, alice, receiver):
    feed = data.feed(db, alice, "cs.CL", categories=["cs.CL"])
    subscriptions.add(db, private_ok, user=alice, feed_id=feed.id, url=receiver.url, fmt="json")
    importer.import_paths(db, [corpora.listing_file(LATER_DAY)])
    now = catalog.newest(db, 1)[0][0].created_at + timedelta(seconds=1)
    assert batching.queue_new(db, private_ok, now) == 1
    assert batching.queue_new(db, private_ok, now) == 0  # the mark moved: nothing twice
