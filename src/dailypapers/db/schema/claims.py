"""Claims of author names by accounts: "this is me" on an author's page, decided by an admin."""

from __future__ import annotations

from sqlalchemy import Column, Index, String, Text

from dailypapers.db.schema.columns import UTCDateTime, key, refers, stamp, table

# One row per claim, kept after it is decided (the history says who decided what and why).
# ``name_key`` is the key of ``name_keys.name_key``: a claim covers every spelling folding to it.
# ``state``: pending, then approved or rejected by an admin (``decided_by``, ``decided_at``,
# ``reason``); withdrawn by its user while pending or approved; revoked by an admin once
# approved. The states are checked by the authors package, not by a constraint.
author_claims = table(
    "author_claims",
    key(),
    refers("user_id", "users", nullable=False),
    Column("name", Text, nullable=False),  # the name as the user claimed it
    Column("name_key", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("reason", Text, nullable=False, server_default=""),
    stamp("created_at"),
    Column("decided_at", UTCDateTime),
    refers("decided_by", "users", "SET NULL"),
    Index(None, "user_id", "state"),
    Index(None, "state", "created_at"),
)
# One account holds a name: at most one approved claim per key, on both backends (a partial
# unique index), so two admins approving two claims of one name at once cannot both succeed.
Index(
    "uq_author_claims_approved_name_key",
    author_claims.c.name_key,
    unique=True,
    sqlite_where=author_claims.c.state == "approved",
    postgresql_where=author_claims.c.state == "approved",
)
