"""Accounts and what lets their holders in: users, sessions, tokens, and the rate-limit events that
slow guessing and flooding down."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Index,
    String,
    Text,
    false,
    func,
)

from dailypapers.db.schema.columns import (
    UTCDateTime,
    key,
    refers,
    stamp,
    table,
)

users = table(
    "users",
    key(),
    Column("username", String(64), nullable=False),
    # The username with look-alike characters folded (``aIice`` and ``alice`` share one), so a
    # new name cannot pass for an existing one.
    Column("username_key", String(64)),
    Column("email", String(320)),
    # Until the emailed link is followed the address is only a claim: nothing tied to it
    # (subscriptions, alerts) is linked or shown, and it cannot be used to sign in or reset.
    Column("email_verified_at", UTCDateTime),
    Column("password_hash", Text),
    Column("fullname", String(200), nullable=False, server_default=""),
    Column("avatar_url", Text),
    # Users who only exist because the upstream feed named them (submitters, claimed authors):
    # their 24-hex upstream id, and no password, so nobody can sign in as them.
    Column("upstream_id", String(64), unique=True),
    Column("is_admin", Boolean, nullable=False, server_default=false()),
    Column("disabled_at", UTCDateTime),  # a disabled account cannot sign in or use its tokens
    stamp("created_at"),
    Index(None, "username_key"),
)
# Usernames are unique regardless of case ("Alice" cannot sign up next to "alice"). An email is
# unique among verified addresses only: claiming an address one does not own blocks nobody.
Index("uq_users_username_lower", func.lower(users.c.username), unique=True)
Index(
    "uq_users_email_verified",
    func.lower(users.c.email),
    unique=True,
    sqlite_where=users.c.email_verified_at.isnot(None),
    postgresql_where=users.c.email_verified_at.isnot(None),
)
Index("ix_users_email_lower", func.lower(users.c.email))

# Submissions need no table of their own: a local submission is a feed entry with source "local"
# and its submitter.

# Signed-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a copy of
# the database does not let anyone sign in. Signing out deletes the row (the cookie dies with it).
sessions = table(
    "sessions",
    Column("id", String(64), primary_key=True),  # sha256 hex of the cookie's token
    refers("user_id", "users", nullable=False),
    stamp("created_at"),
    Column("expires_at", UTCDateTime, nullable=False),
    Index(None, "user_id"),
    Index(None, "expires_at"),
)

# Events that count against a rate limit, one row each: ``kind`` names the limit (a failed
# sign-in per account, a sign-up per address, a comment per user...), ``key`` what is counted.
# Rows older than their limit's window are deleted as new ones are taken.
rate_events = table(
    "rate_events",
    key(),
    Column("kind", String(32), nullable=False),
    Column("key", String(320), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Index(None, "kind", "key", "at"),
    Index(None, "at"),
)

# Mailed links that act for an account: verify an address, reset a password. Only the token's
# SHA-256 is stored; a token is good once (``used_at``) and until ``expires_at``.
account_tokens = table(
    "account_tokens",
    key(),
    refers("user_id", "users", nullable=False),
    Column("purpose", String(16), nullable=False),  # verify | reset
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("email", String(320), nullable=False),  # the address the link was mailed to
    stamp("created_at"),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
    Index(None, "user_id"),
)

# -- API tokens and private feed tokens ----------------------------------------------------------

# Secrets a user holds: API tokens (``Authorization: Bearer``) and private feed tokens (in a feed
# URL). Only the SHA-256 of a token is stored; the token itself is shown once, at creation.
# ``prefix`` (its first characters) lets the settings page tell tokens apart.
api_tokens = table(
    "api_tokens",
    key(),
    refers("user_id", "users", nullable=False),
    Column("kind", String(8), nullable=False),  # "api" or "feed"
    Column("name", String(100), nullable=False, server_default=""),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    stamp("created_at"),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Index(None, "user_id"),
)
