"""Collections in the domain: making, items and their order and notes, the owner checks as
attacks, the limits, and what recommendations read (``paper_ids_of``)."""

from __future__ import annotations

import pytest

from dailypapers.library import collections
from dailypapers.library.records import (
    InvalidCollection,
    NoSuchCollection,
    NoSuchPaper,
    NotYours,
    TooManyCollections,
    TooManyItems,
)
from tests.support import corpora

pytestmark = pytest.mark.store("feed")

PAPERS = ["2506.09984", "2506.09350", "2506.09113"]


def test_it_makes_a_private_collection_by_default_and_keeps_items_in_order(db, alice):
    made = collections.create(db, alice, {"title": "  Reading list "})
    assert made.title == "Reading list" and made.private and made.path == f"/collections/{made.id}"
    for arxiv_id in PAPERS:
        collections.add(db, alice, made.id, arxiv_id, note=f"on {arxiv_id}")
    collections.add(db, alice, made.id, f"https://arxiv.org/abs/{PAPERS[0]}v2")  # once only
    shelf = collections.shelf(db, made.id, alice)
    assert [i.card.arxiv_id for i in shelf.items] == PAPERS and shelf.mine
    assert shelf.items[0].note == f"on {PAPERS[0]}" and shelf.collection.item_count == 3
    collections.move(db, alice, made.id, PAPERS[2], up=True)
    collections.move(db, alice, made.id, PAPERS[0], up=True)  # first already: stays
    collections.set_note(db, alice, made.id, PAPERS[1], "later")
    collections.remove(db, alice, made.id, PAPERS[0])
    items = collections.shelf(db, made.id, alice).items
    assert [(i.card.arxiv_id, i.note) for i in items] == [
        (PAPERS[2], f"on {PAPERS[2]}"),
        (PAPERS[1], "later"),
    ]
    assert collections.paper_ids_of(db, alice.id) == [PAPERS[2], PAPERS[1]]


def test_a_change_to_an_item_answers_with_the_shelf_it_leaves(db, alice):
    made = collections.create(db, alice, {"title": "Answered"})
    shelf = collections.add_to_shelf(db, alice, made.id, PAPERS[0], note="first")
    assert [(i.card.arxiv_id, i.note) for i in shelf.items] == [(PAPERS[0], "first")]
    assert shelf.mine and shelf.collection.item_count == 1
    assert collections.remove_from_shelf(db, alice, made.id, PAPERS[0]).items == []


def test_paper_ids_of_is_every_collection_newest_addition_first(db, alice, bob):
    first = collections.create(db, alice, {"title": "One"})
    second = collections.create(db, alice, {"title": "Two"})
    collections.add(db, alice, first.id, PAPERS[0])
    collections.add(db, alice, second.id, PAPERS[1])
    collections.add(db, alice, second.id, PAPERS[0])
    theirs = collections.create(db, bob, {"title": "Bob's"})
    collections.add(db, bob, theirs.id, PAPERS[2])
    assert collections.paper_ids_of(db, alice.id) == [PAPERS[0], PAPERS[1]]
    assert collections.paper_ids_of(db, bob.id) == [PAPERS[2]]


def test_it_keeps_alices_private_collection_from_bob(db, alice, bob):
    made = collections.create(db, alice, {"title": "Mine", "private": True})
    for viewer in (bob, None):
        with pytest.raises(NoSuchCollection):
            collections.shelf(db, made.id, viewer)
    with pytest.raises(NoSuchCollection):
        collections.change(db, bob, made.id, {"private": False})
    with pytest.raises(NoSuchCollection):
        collections.add(db, bob, made.id, PAPERS[0])
    assert collections.readable(db, made.id, alice) == made


def test_it_refuses_bob_adding_to_alices_collection(db, alice, bob):
    made = collections.create(db, alice, {"title": "Shared", "private": False})
    assert collections.readable(db, made.id, bob).title == "Shared"  # anyone reads it
    with pytest.raises(NotYours):
        collections.add(db, bob, made.id, PAPERS[0])
    with pytest.raises(NotYours):
        collections.delete(db, bob, made.id)
    collections.add(db, alice, made.id, PAPERS[0])
    for attempt in (collections.remove, collections.set_note):
        with pytest.raises(NotYours):
            attempt(
                db, bob, made.id, PAPERS[0], *(["x"] if attempt is collections.set_note else [])
            )
    assert collections.shelf(db, made.id, None).collection.item_count == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "two\nlines"}, "title"),
        ({"title": 3}, "title"),
        ({"title": "ok", "private": "yes"}, "private"),
        ({"title": "ok", "description": "d" * 2001}, "description"),
    ],
)
def test_it_names_the_field_at_fault(db, alice, fields, field):
    with pytest.raises(InvalidCollection) as refused:
        collections.create(db, alice, fields)
    assert refused.value.field == field


def test_it_names_a_bad_paper_or_note(db, alice):
    made = collections.create(db, alice, {"title": "T"})
    with pytest.raises(InvalidCollection) as refused:
        collections.add(db, alice, made.id, "not an id")
    assert refused.value.field == "paper"
    with pytest.raises(InvalidCollection) as refused:
        collections.add(db, alice, made.id, PAPERS[0], note="n" * 2001)
    assert refused.value.field == "note"
    with pytest.raises(NoSuchPaper):
        collections.add(db, alice, made.id, "2506.00001")
    with pytest.raises(NoSuchPaper):  # stored, but not in this collection
        collections.remove(db, alice, made.id, corpora.UNLISTED_ID)


def test_a_collection_made_for_a_paper_is_not_made_without_it(db, alice):
    made = collections.create_with_paper(db, alice, {"title": "For one"}, PAPERS[0])
    assert made.item_count == 1 and made.title == "For one"
    with pytest.raises(NoSuchPaper):
        collections.create_with_paper(db, alice, {"title": "For none"}, "2506.00001")
    assert [c.title for c in collections.of_user(db, alice)] == ["For one"]


def test_it_stops_at_the_limits(db, alice, monkeypatch):
    monkeypatch.setattr(collections, "MAX_COLLECTIONS_PER_USER", 2)
    monkeypatch.setattr(collections, "MAX_ITEMS_PER_COLLECTION", 1)
    made = collections.create(db, alice, {"title": "A"})
    collections.create(db, alice, {"title": "B"})
    with pytest.raises(TooManyCollections):
        collections.create(db, alice, {"title": "C"})
    collections.add(db, alice, made.id, PAPERS[0])
    with pytest.raises(TooManyItems):
        collections.add(db, alice, made.id, PAPERS[1])
