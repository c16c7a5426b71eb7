"""A reader's library: collections of papers with a note per item, and the arXiv ids an import
named that the store lacked, waiting to be fetched into the collection they were imported to."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Text, true

from dailypapers.db.schema.columns import UTCDateTime, key, refers, stamp, table

# A private collection is its owner's alone (anyone else is told it does not exist); a public
# one is read by anyone who has its address.
collections = table(
    "collections",
    key(),
    refers("user_id", "users", nullable=False),
    Column("title", String(200), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("private", Boolean, nullable=False, server_default=true()),
    stamp("created_at"),
    stamp("updated_at"),
    Index(None, "user_id"),
)

# One paper of a collection, shown in ``position`` order (the owner reorders); ``added_at``
# orders "newest addition first" (what recommendations read).
collection_items = table(
    "collection_items",
    refers("collection_id", "collections", primary_key=True),
    refers("paper_id", "papers", primary_key=True),
    Column("note", Text, nullable=False, server_default=""),
    Column("position", Integer, nullable=False),
    stamp("added_at"),
    Index(None, "collection_id", "position"),
    Index(None, "paper_id"),
)

# An imported entry's arXiv id the store lacked: the fetch job asks arXiv for it (in batches,
# through the one spaced client) once ``next_attempt_at`` is past, and adds the paper to the
# collection when it arrives. Claimed by moving ``next_attempt_at`` on (a conditional UPDATE),
# so several workers never ask for the same id at once.
library_fetches = table(
    "library_fetches",
    refers("collection_id", "collections", primary_key=True),
    Column("arxiv_id", String(64), primary_key=True),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    stamp("queued_at"),
    Index(None, "next_attempt_at"),
)
