"""Collections: making, reading, changing and deleting them and their items, with the owner
checks every path goes through. Anyone with its address reads a public collection; a private
one only its owner (anyone else is told :class:`NoSuchCollection`, exactly as for a missing
one, so nobody learns which exist); only the owner changes one or its items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from dailypapers import arxiv_ids
from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.library.records import (
    Collection,
    InvalidCollection,
    Item,
    NoSuchCollection,
    NoSuchPaper,
    NotYours,
    Shelf,
    TooManyCollections,
    TooManyItems,
)
from dailypapers.papers import catalog
from dailypapers.store import collections as collection_store
from dailypapers.store import library as library_store
from dailypapers.store import papers as paper_store

# Collections per account: more lists than a reader keeps by hand (topics, reading lists, a
# course, a few imports), few enough that "Add to collection" offers them all in one menu.
MAX_COLLECTIONS_PER_USER = 100
# Papers per collection: the largest import accepted (library.importing.MAX_ENTRIES) fits in
# one, and a collection's page and export stay one query and one response.
MAX_ITEMS_PER_COLLECTION = 5000
TITLE_LENGTH = 200  # a title is a line (the column's width)
DESCRIPTION_LENGTH = 2000
NOTE_LENGTH = 2000  # a paragraph or two about the paper; longer notes belong in a document


def _text(raw: Mapping[str, Any], name: str, longest: int, default: str = "") -> str:
    value = raw.get(name, default)
    if value is None:
        value = default
    if not isinstance(value, str):
        raise InvalidCollection(name, f"{name} must be text")
    value = value.strip()
    if len(value) > longest:
        raise InvalidCollection(name, f"{name} has at most {longest:,} characters")
    if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
        raise InvalidCollection(name, f"{name} has a control character")
    return value


def checked(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A collection's fields from JSON: title (1 to 200 characters, one line), description,
    private (default true). Raises InvalidCollection naming the field."""
    title = _text(raw, "title", TITLE_LENGTH)
    if not title:
        raise InvalidCollection("title", "a collection needs a title")
    if "\n" in title or "\t" in title:
        raise InvalidCollection("title", "a title is one line")
    private = raw.get("private", True)
    if not isinstance(private, bool):
        raise InvalidCollection("private", "private must be true or false")
    description = _text(raw, "description", DESCRIPTION_LENGTH)
    return {"title": title, "description": description, "private": private}


def checked_note(note: Any) -> str:
    if note is None:
        return ""
    return _text({"note": note}, "note", NOTE_LENGTH)


def create(db: Database, owner: User, raw: Mapping[str, Any]) -> Collection:
    """A new collection of ``owner``. Raises InvalidCollection, TooManyCollections."""
    values = checked(raw)
    with db.write() as conn:
        return Collection.from_row(collection_store.get(conn, make(conn, owner, values)))


def create_with_paper(
    db: Database, owner: User, raw: Mapping[str, Any], arxiv_id: Any
) -> Collection:
    """A new collection of ``owner`` holding paper ``arxiv_id``, or nothing made at all.
    Raises InvalidCollection, NoSuchPaper, TooManyCollections."""
    values = checked(raw)
    with db.write() as conn:
        paper_id = _paper_id(conn, arxiv_id)
        collection_id = make(conn, owner, values)
        add_papers(conn, collection_id, [paper_id])
        return Collection.from_row(collection_store.get(conn, collection_id))


def make(conn: Connection, owner: User, values: Mapping[str, Any]) -> int:
    """A new collection of checked ``values`` inside the caller's transaction: its id."""
    if collection_store.count_of_user(conn, owner.id) >= MAX_COLLECTIONS_PER_USER:
        raise TooManyCollections(
            f"an account has at most {MAX_COLLECTIONS_PER_USER} collections: delete one first"
        )
    now = datetime.now(UTC)
    return collection_store.insert(
        conn, {**values, "user_id": owner.id, "created_at": now, "updated_at": now}
    )


def of_user(db: Database, owner: User) -> list[Collection]:
    """``owner``'s collections, most recently changed first, private ones included."""
    with db.read() as conn:
        return [Collection.from_row(row) for row in collection_store.of_user(conn, owner.id)]


def _readable_row(conn: Connection, collection_id: int, viewer: User | None) -> dict[str, Any]:
    row = collection_store.get(conn, collection_id)
    if row is None or (row["private"] and (viewer is None or viewer.id != row["user_id"])):
        raise NoSuchCollection(collection_id)
    return row


def readable(db: Database, collection_id: int, viewer: User | None) -> Collection:
    """Collection ``collection_id`` if ``viewer`` may read it. Raises NoSuchCollection."""
    with db.read() as conn:
        return Collection.from_row(_readable_row(conn, collection_id, viewer))


def shelf(db: Database, collection_id: int, viewer: User | None) -> Shelf:
    """The collection with its items in order, as ``viewer`` may see it. Raises
    NoSuchCollection."""
    with db.read() as conn:
        return _shelf(conn, collection_id, viewer)


def _shelf(conn: Connection, collection_id: int, viewer: User | None) -> Shelf:
    row = _readable_row(conn, collection_id, viewer)
    mine = viewer is not None and viewer.id == row["user_id"]
    rows = collection_store.items(conn, collection_id)
    cards = catalog.cards_in(
        conn, [r["paper_id"] for r in rows], user_id=viewer.id if viewer else None
    )
    by_id = {card.id: card for card in cards}
    items = [
        Item(by_id[r["paper_id"]], r["note"], r["position"], r["added_at"])
        for r in rows
        if r["paper_id"] in by_id
    ]
    pending = library_store.pending(conn, collection_id) if mine else []
    return Shelf(Collection.from_row(row), items, mine, pending)


def _owned(conn: Connection, owner: User, collection_id: int) -> dict[str, Any]:
    row = _readable_row(conn, collection_id, owner)
    if row["user_id"] != owner.id:
        raise NotYours(collection_id)
    return row


def change(db: Database, owner: User, collection_id: int, patch: Mapping[str, Any]) -> Collection:
    """The collection with the fields of ``patch`` replaced (the others kept). Raises
    NoSuchCollection, NotYours, InvalidCollection."""
    with db.write() as conn:
        row = _owned(conn, owner, collection_id)
        current = {key: row[key] for key in ("title", "description", "private")}
        values = checked({**current, **patch})
        collection_store.change(conn, collection_id, {**values, "updated_at": datetime.now(UTC)})
        return Collection.from_row(collection_store.get(conn, collection_id))


def delete(db: Database, owner: User, collection_id: int) -> None:
    """Delete one of ``owner``'s collections (its papers stay). Raises NoSuchCollection,
    NotYours."""
    with db.write() as conn:
        _owned(conn, owner, collection_id)
        collection_store.remove(conn, collection_id)


def _paper_id(conn: Connection, arxiv_id: Any) -> int:
    if not isinstance(arxiv_id, str):
        raise InvalidCollection("paper", "paper is an arXiv id")
    try:
        key = arxiv_ids.normalise(arxiv_id)
    except arxiv_ids.InvalidArxivId as error:
        raise InvalidCollection("paper", str(error)) from None
    paper_id = paper_store.id_of(conn, key)
    if paper_id is None:
        raise NoSuchPaper(key)
    return paper_id


def add_papers(
    conn: Connection, collection_id: int, paper_ids: Sequence[int], note: str = ""
) -> int:
    """Append the papers of ``paper_ids`` the collection lacks, in order, as far as its limit
    allows, inside the caller's transaction: how many it now holds of them that it did not."""
    wanted = list(dict.fromkeys(paper_ids))
    held = collection_store.paper_ids_in(conn, collection_id, wanted)
    new = [p for p in wanted if p not in held]
    room = MAX_ITEMS_PER_COLLECTION - collection_store.item_count(conn, collection_id)
    new = new[: max(room, 0)]
    now = datetime.now(UTC)
    collection_store.add_items(conn, collection_id, new, note, now)
    if new:
        collection_store.change(conn, collection_id, {"updated_at": now})
    return len(new)


def add(
    db: Database, owner: User, collection_id: int, arxiv_id: Any, note: Any = None
) -> Collection:
    """Paper ``arxiv_id`` added at the end of one of ``owner``'s collections (a paper it holds
    already keeps its place; a note given replaces its note). Raises NoSuchCollection, NotYours,
    NoSuchPaper, InvalidCollection, TooManyItems."""
    with db.write() as conn:
        _add(conn, owner, collection_id, arxiv_id, note)
        return Collection.from_row(collection_store.get(conn, collection_id))


def add_to_shelf(
    db: Database, owner: User, collection_id: int, arxiv_id: Any, note: Any = None
) -> Shelf:
    """:func:`add`, answered with the collection's shelf as it stands after (one transaction,
    so the shelf shows this very change). Raises as :func:`add` does."""
    with db.write() as conn:
        _add(conn, owner, collection_id, arxiv_id, note)
        return _shelf(conn, collection_id, owner)


def _add(conn: Connection, owner: User, collection_id: int, arxiv_id: Any, note: Any) -> None:
    text = checked_note(note)
    _owned(conn, owner, collection_id)
    paper_id = _paper_id(conn, arxiv_id)
    if collection_store.item(conn, collection_id, paper_id) is not None:
        if note is not None:
            collection_store.change_note(conn, collection_id, paper_id, text)
    elif add_papers(conn, collection_id, [paper_id], text) == 0:
        raise TooManyItems(
            f"a collection holds at most {MAX_ITEMS_PER_COLLECTION:,} papers: "
            "remove some or start another"
        )


def _owned_item(conn: Connection, owner: User, collection_id: int, arxiv_id: Any) -> int:
    _owned(conn, owner, collection_id)
    paper_id = _paper_id(conn, arxiv_id)
    if collection_store.item(conn, collection_id, paper_id) is None:
        raise NoSuchPaper(arxiv_ids.normalise(arxiv_id))
    return paper_id


def remove(db: Database, owner: User, collection_id: int, arxiv_id: Any) -> None:
    """Take a paper out of one of ``owner``'s collections. Raises NoSuchCollection, NotYours,
    NoSuchPaper (it does not hold it), InvalidCollection."""
    with db.write() as conn:
        _remove(conn, owner, collection_id, arxiv_id)


def remove_from_shelf(db: Database, owner: User, collection_id: int, arxiv_id: Any) -> Shelf:
    """:func:`remove`, answered with the collection's shelf as it stands after (one
    transaction). Raises as :func:`remove` does."""
    with db.write() as conn:
        _remove(conn, owner, collection_id, arxiv_id)
        return _shelf(conn, collection_id, owner)


def _remove(conn: Connection, owner: User, collection_id: int, arxiv_id: Any) -> None:
    paper_id = _owned_item(conn, owner, collection_id, arxiv_id)
    collection_store.remove_item(conn, collection_id, paper_id)
    collection_store.change(conn, collection_id, {"updated_at": datetime.now(UTC)})


def set_note(db: Database, owner: User, collection_id: int, arxiv_id: Any, note: Any) -> None:
    """Replace an item's note. Raises as :func:`remove` does."""
    text = checked_note(note)
    with db.write() as conn:
        paper_id = _owned_item(conn, owner, collection_id, arxiv_id)
        collection_store.change_note(conn, collection_id, paper_id, text)


def move(db: Database, owner: User, collection_id: int, arxiv_id: Any, *, up: bool) -> None:
    """Swap an item with the one before it (``up``) or after it; at that end, nothing. Raises
    as :func:`remove` does."""
    with db.write() as conn:
        paper_id = _owned_item(conn, owner, collection_id, arxiv_id)
        mine = collection_store.item(conn, collection_id, paper_id)
        other = collection_store.neighbour(conn, collection_id, mine["position"], before=up)
        if other is None:
            return
        collection_store.set_position(conn, collection_id, paper_id, other["position"])
        collection_store.set_position(conn, collection_id, other["paper_id"], mine["position"])


def paper_ids_of(db: Database, user_id: int) -> list[str]:
    """arXiv ids of every paper in any of the user's collections, newest addition first (each
    once): what recommendations read as the reader's positives."""
    with db.read() as conn:
        return collection_store.paper_ids_of_user(conn, user_id)
