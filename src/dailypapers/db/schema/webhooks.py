"""Webhooks: the URLs readers have a feed's new papers posted to, and the deliveries waiting
for them (the webhooks' own outbox; its state machine is in store/webhooks.py)."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Text

from dailypapers.db.schema.columns import UTCDateTime, delivery_state, key, refers, stamp, table

# A feed's webhook. ``secret`` signs every body (HMAC-SHA256), so it is kept as it was made, not
# hashed: the sender needs it. ``state`` is active | stopped; a stopped one keeps the receiver's
# answer in ``stop_reason`` for its owner. ``papers_since``: the feed's papers stored after it
# are the next batch's (it moves in the transaction that queues a batch).
webhooks = table(
    "webhooks",
    key(),
    refers("user_id", "users", nullable=False),
    refers("feed_id", "feeds", nullable=False),
    Column("papers_since", UTCDateTime, nullable=False),
    Column("url", Text, nullable=False),
    Column("format", String(16), nullable=False),  # slack | discord | json
    Column("secret", String(100), nullable=False),
    Column("state", String(16), nullable=False, server_default="active"),
    Column("stop_reason", Text),
    stamp("created_at"),
    Column("last_delivery_at", UTCDateTime),
    Index(None, "user_id"),
    Index(None, "feed_id"),
)

# One message to one webhook, its body frozen when queued and its ``delivery_id`` (a UUID) the
# same on every attempt, so a receiver can drop a repeat.
webhook_deliveries = table(
    "webhook_deliveries",
    key(),
    refers("webhook_id", "webhooks", nullable=False),
    Column("delivery_id", String(36), nullable=False, unique=True),
    Column("body", Text, nullable=False),  # UTF-8 JSON, signed byte for byte
    # status: queued | sending | delivered | failed | cancelled
    *delivery_state(),
    Column("response_status", Integer),
    Column("queued_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    stamp("updated_at"),
    Index(None, "status", "next_attempt_at"),
    Index(None, "webhook_id"),
)
