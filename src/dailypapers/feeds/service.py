"""Making, reading, changing and deleting feeds, with the owner checks every path goes through:
anyone reads a public feed; a private one only its owner (signed in) or its token address;
only the owner changes or deletes a feed. A private feed someone else owns is
:class:`NoSuchFeed`, exactly as a missing one, so nobody learns which exist."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.feeds import access, definitions
from dailypapers.feeds.records import Feed, NoSuchFeed, NotYours, TooManyFeeds
from dailypapers.store import feeds as feed_store

# Feeds per account: more than a reader follows (an author, a category, a topic each), few
# enough that composing a reader's digest, one query per feed, stays quick.
MAX_FEEDS_PER_USER = 50


def create(db: Database, owner: User, raw: Mapping[str, Any]) -> Feed:
    """A new feed of ``owner`` from its JSON. Raises InvalidFeed, TooManyFeeds."""
    name, definition, private = definitions.checked(raw)
    now = datetime.now(UTC)
    with db.write() as conn:
        if feed_store.count_of_user(conn, owner.id) >= MAX_FEEDS_PER_USER:
            raise TooManyFeeds(
                f"an account has at most {MAX_FEEDS_PER_USER} feeds: delete one first"
            )
        feed_id = feed_store.insert(
            conn,
            {
                "user_id": owner.id,
                "name": name,
                "definition": definition.as_json(),
                "private": private,
                "token_nonce": access.new_nonce(),
                "created_at": now,
                "updated_at": now,
                "digest_watermark_at": now,  # the digest mails what arrives from now on
            },
        )
        return Feed.from_row(feed_store.get(conn, feed_id))


def readable(
    db: Database,
    feed_id: int,
    *,
    viewer: User | None = None,
    token: str | None = None,
    settings: Settings | None = None,
) -> Feed:
    """Feed ``feed_id`` if ``viewer`` (or the holder of ``token``, checked with ``settings``'
    key) may read it. Raises NoSuchFeed."""
    with db.read() as conn:
        row = feed_store.get(conn, feed_id)
    if row is None or not _may_read(row, viewer, token, settings):
        raise NoSuchFeed(feed_id)
    return Feed.from_row(row)


def _may_read(
    row: Mapping[str, Any], viewer: User | None, token: str | None, settings: Settings | None
) -> bool:
    if not row["private"]:
        return True
    if viewer is not None and viewer.id == row["user_id"]:
        return True
    if token is None or settings is None or row["owner_disabled_at"] is not None:
        return False  # a disabled account's private addresses stop working with it
    return access.opens(settings, row["id"], row["token_nonce"], token)


def of_user(db: Database, owner: User) -> list[Feed]:
    """``owner``'s feeds, oldest first, private ones included (they are theirs)."""
    with db.read() as conn:
        return [Feed.from_row(row) for row in feed_store.of_user(conn, owner.id)]


def private_token(db: Database, settings: Settings, owner: User, feed_id: int) -> str:
    """The token of one of ``owner``'s feeds' private address. Raises NoSuchFeed, NotYours."""
    with db.read() as conn:
        row = _owned(feed_store.get(conn, feed_id), owner, feed_id)
    return access.token(settings, row["id"], row["token_nonce"])


def change(db: Database, owner: User, feed_id: int, patch: Mapping[str, Any]) -> Feed:
    """Feed ``feed_id`` with the fields of ``patch`` replaced (the others kept). Raises
    NoSuchFeed, NotYours, InvalidFeed."""
    with db.write() as conn:
        row = _owned(feed_store.get(conn, feed_id), owner, feed_id)
        merged = {**Feed.from_row(row).as_json(), **patch}
        name, definition, private = definitions.checked(merged)
        values = {
            "name": name,
            "definition": definition.as_json(),
            "private": private,
            "updated_at": datetime.now(UTC),
        }
        feed_store.change(conn, feed_id, values)
        return Feed.from_row(feed_store.get(conn, feed_id))


def delete(db: Database, owner: User, feed_id: int) -> None:
    """Delete one of ``owner``'s feeds. Raises NoSuchFeed, NotYours."""
    with db.write() as conn:
        _owned(feed_store.get(conn, feed_id), owner, feed_id)
        feed_store.remove(conn, feed_id)


def _owned(row: Mapping[str, Any] | None, owner: User, feed_id: int) -> Mapping[str, Any]:
    if row is None or (row["private"] and row["user_id"] != owner.id):
        raise NoSuchFeed(feed_id)
    if row["user_id"] != owner.id:
        raise NotYours(feed_id)
    return row


def for_reader(db: Database, feed_id: int, reader_id: int) -> Feed | None:
    """Feed ``feed_id`` as what reader ``reader_id`` set up on it (a webhook) may still get:
    None once it is gone, or private and not theirs (made private after they set it up)."""
    with db.read() as conn:
        row = feed_store.get(conn, feed_id)
    if row is None or (row["private"] and row["user_id"] != reader_id):
        return None
    return Feed.from_row(row)
