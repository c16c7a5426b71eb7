"""Digests: subscriptions, saved searches, marks, the outbox and the suppression list."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)

from dailypapers.db.schema.columns import (
    Json,
    UTCDateTime,
    delivery_state,
    key,
    refers,
    stamp,
    table,
    user_and_paper,
)

# A mail address that asked for digests (double opt-in: nothing but the confirmation mail goes out
# until confirmed_at is set). user_id links it to an account when one subscribed from settings.
# A confirmation link carries ``confirm_nonce``: confirming or unsubscribing replaces it, so each
# link works once and an old one cannot re-subscribe. ``confirmations_sent`` counts confirmation
# mails since the address last confirmed (capped, so nobody can mail an address over and over).
subscriptions = table(
    "subscriptions",
    key(),
    Column("email", String(320), nullable=False),  # normalised by email-validator
    refers("user_id", "users", "SET NULL"),
    Column("confirmed_at", UTCDateTime),
    Column("unsubscribed_at", UTCDateTime),
    Column("frequency", String(16), nullable=False, server_default="daily"),  # daily | weekly
    Column("timezone", String(64), nullable=False, server_default="UTC"),  # IANA name
    Column("send_hour", Integer, nullable=False, server_default="7"),  # local hour, 0-23
    Column("weekly_day", Integer, nullable=False, server_default="0"),  # 0 = Monday
    # Sections wanted, e.g. ["top", "trending", "for_you", "searches"].
    Column("content", Json, nullable=False),
    Column("confirm_nonce", String(32)),
    Column("confirmations_sent", Integer, nullable=False, server_default="0"),
    stamp("created_at"),
    stamp("updated_at"),
    Index(None, "user_id"),
)
Index("uq_subscriptions_email_lower", func.lower(subscriptions.c.email), unique=True)

# A search kept as an alert: new matches (papers stored after the watermark) go in the next digest.
saved_searches = table(
    "saved_searches",
    key(),
    refers("subscription_id", "subscriptions"),
    refers("user_id", "users"),
    Column("query", Text, nullable=False),
    Column("filters", Json, nullable=False),
    Column("watermark_at", UTCDateTime, nullable=False),  # last matched up to here
    stamp("created_at"),
    Index(None, "subscription_id"),
    Index(None, "user_id"),
)

# A reader's "saved" or "not interested" mark on a paper: one per user and paper.
paper_marks = table(
    "paper_marks",
    *user_and_paper(),
    Column("kind", String(16), nullable=False),  # saved | not_interested
    stamp("created_at"),
)

# One mail to one recipient for one period (digest) or one confirmation request; the unique
# (subscription, period) makes composing idempotent. The delivery state machine and its crash
# One mail to one recipient: a digest for one period, a confirmation request, or an account's
# mail (address verification, password reset: ``user_id`` set, ``subscription_id`` not). The
# unique (subscription, period) makes composing idempotent. The delivery state machine and its
# crash guarantee are documented in digest/worker.py.
outbox = table(
    "outbox",
    key(),
    refers("subscription_id", "subscriptions"),
    refers("user_id", "users"),
    Column("period", String(64), nullable=False),  # "daily:2026-03-03", "confirm:2026-03-03T09"
    Column("kind", String(16), nullable=False),  # digest | confirmation | verify | reset
    Column("recipient", String(320), nullable=False),
    Column("message_id", String(255), nullable=False, unique=True),
    # What render.py needs to build the message byte for byte again: the composed digest.
    Column("content", Json, nullable=False),
    Column("subject", Text, nullable=False),
    # status: queued | sending | committed | sent | unconfirmed | failed | cancelled | empty
    *delivery_state(),
    Column("smtp_reply", Text),
    Column("composed_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    stamp("updated_at"),
    UniqueConstraint("subscription_id", "period"),
    Index(None, "status", "next_attempt_at"),
)

# Papers already mailed to a subscription, so "for you" never repeats one.
mailed_papers = table(
    "mailed_papers",
    refers("subscription_id", "subscriptions", primary_key=True),
    refers("paper_id", "papers", primary_key=True),
    refers("outbox_id", "outbox", nullable=False),
    Column("mailed_at", UTCDateTime, nullable=False),
    Index(None, "outbox_id"),
)


# Addresses that asked never to be mailed again: nothing is queued to them, whoever asks.
suppressions = table(
    "suppressions",
    Column("email", String(320), primary_key=True),  # lowercased, normalised
    stamp("created_at"),
)
