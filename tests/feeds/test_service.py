"""Making, reading, changing and deleting feeds: the owner checks as attacks, the limit."""

from __future__ import annotations

import pytest

from dailypapers.feeds import access, service
from dailypapers.feeds.records import NoSuchFeed, NotYours, TooManyFeeds

PRIVATE = {"name": "Mine", "categories": ["cs.CL"], "private": True}
PUBLIC = {"name": "Ours", "authors": ["Ceyuan Yang"]}


def test_it_makes_a_feed_its_owner_lists_and_anyone_reads(db, alice, bob):
    made = service.create(db, alice, PUBLIC)
    assert made.user_id == alice.id and made.owner_username == alice.username
    assert made.path == f"/following/{made.id}" and made.authors == ("Ceyuan Yang",)
    assert [f.id for f in service.of_user(db, alice)] == [made.id]
    assert service.of_user(db, bob) == []
    assert service.readable(db, made.id, viewer=bob) == made
    assert service.readable(db, made.id) == made


def test_it_keeps_alices_private_feed_from_bob(db, alice, bob, settings):
    made = service.create(db, alice, PRIVATE)
    for viewer in (bob, None):
        with pytest.raises(NoSuchFeed):
            service.readable(db, made.id, viewer=viewer)
    with pytest.raises(NoSuchFeed):
        service.readable(db, made.id, viewer=bob, token="guess", settings=settings)
    other = service.create(db, bob, PRIVATE)
    bobs = service.private_token(db, settings, bob, other.id)
    with pytest.raises(NoSuchFeed):  # bob's own address is no key to alice's feed
        service.readable(db, made.id, token=bobs, settings=settings)
    with pytest.raises(NoSuchFeed):
        service.private_token(db, settings, bob, made.id)
    assert service.readable(db, made.id, viewer=alice) == made


def test_a_private_feeds_token_address_opens_it_to_a_feed_reader(db, alice, settings):
    made = service.create(db, alice, PRIVATE)
    token = service.private_token(db, settings, alice, made.id)
    assert service.readable(db, made.id, token=token, settings=settings) == made
    assert not access.opens(settings, made.id, "another nonce", token)


def test_it_refuses_bob_editing_alices_feed(db, alice, bob):
    public = service.create(db, alice, PUBLIC)
    private = service.create(db, alice, PRIVATE)
    with pytest.raises(NotYours):
        service.change(db, bob, public.id, {"name": "Hijacked"})
    with pytest.raises(NoSuchFeed):  # a private feed is not even there for bob
        service.change(db, bob, private.id, {"name": "Hijacked"})
    assert service.readable(db, public.id).name == "Ours"


def test_it_refuses_bob_deleting_alices_feed(db, alice, bob):
    public = service.create(db, alice, PUBLIC)
    private = service.create(db, alice, PRIVATE)
    with pytest.raises(NotYours):
        service.delete(db, bob, public.id)
    with pytest.raises(NoSuchFeed):
        service.delete(db, bob, private.id)
    assert len(service.of_user(db, alice)) == 2


def test_its_owner_changes_fields_and_keeps_the_others(db, alice):
    made = service.create(db, alice, PUBLIC)
    changed = service.change(db, alice, made.id, {"query": "video -survey", "private": True})
    assert changed.query == "video -survey" and changed.private
    assert changed.name == "Ours" and changed.authors == ("Ceyuan Yang",)
    service.delete(db, alice, made.id)
    with pytest.raises(NoSuchFeed):
        service.readable(db, made.id, viewer=alice)


def test_it_stops_an_account_making_feeds_beyond_the_limit(db, alice, monkeypatch):
    monkeypatch.setattr(service, "MAX_FEEDS_PER_USER", 3)
    for n in range(3):
        service.create(db, alice, {**PUBLIC, "name": f"feed {n}"})
    with pytest.raises(TooManyFeeds):
        service.create(db, alice, PUBLIC)
