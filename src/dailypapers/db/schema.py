"""The schema as SQLAlchemy Core tables: what store/ queries and what migrations must produce.

``tests/db/test_migrations.py`` checks that ``alembic upgrade head`` yields exactly these tables
on both backends, so a change here needs a migration in ``db/migrations/versions``.

Conventions: surrogate integer keys (they double as FTS rowids and vector-index keys), times are
timezone-aware UTC (:class:`UTCDateTime`), lists are JSON, arXiv ids are stored without version.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = JSON().with_variant(JSONB(), "postgresql")
# SQLite's INTEGER PRIMARY KEY is its rowid; BigInteger would lose that, so only PG gets BIGINT.
Key = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on both backends (SQLite stores naive text; we pin it to UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: store times in UTC with tzinfo")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _table(name: str, *items: Any) -> Table:
    return Table(name, metadata, *items)


def _key() -> Column:
    """A table's surrogate key, ``id``."""
    return Column("id", Key, primary_key=True)


def _stamp(name: str) -> Column:
    """When a row was made or last changed: the database's clock unless the write says."""
    return Column(name, UTCDateTime, nullable=False, server_default=func.now())


def _refers(name: str, table: str, on_delete: str = "CASCADE", **options: Any) -> Column:
    """A key of a row of ``table``; ``on_delete`` is what that row's deletion does to this one."""
    return Column(name, Key, ForeignKey(f"{table}.id", ondelete=on_delete), **options)


def _user_and_paper() -> tuple[Column, Column]:
    """The key of a table of one row per user and paper (a vote, a mark)."""
    return (
        _refers("user_id", "users", primary_key=True),
        _refers("paper_id", "papers", primary_key=True),
    )


users = _table(
    "users",
    _key(),
    Column("username", String(64), nullable=False),
    Column("email", String(320)),
    Column("password_hash", Text),
    Column("fullname", String(200), nullable=False, server_default=""),
    Column("avatar_url", Text),
    # Users who only exist because the upstream feed named them (submitters, claimed authors):
    # their 24-hex upstream id, and no password, so nobody can sign in as them.
    Column("upstream_id", String(64), unique=True),
    Column("is_admin", Boolean, nullable=False, server_default=false()),
    _stamp("created_at"),
)
# Usernames and emails are unique regardless of case ("Alice" cannot sign up next to "alice").
Index("uq_users_username_lower", func.lower(users.c.username), unique=True)
Index("uq_users_email_lower", func.lower(users.c.email), unique=True)

papers = _table(
    "papers",
    _key(),
    Column("arxiv_id", String(64), nullable=False, unique=True),
    Column("version", Integer),
    Column("title", Text, nullable=False),
    Column("abstract", Text, nullable=False, server_default=""),
    Column("authors", Json, nullable=False),  # ordered list of names
    Column("categories", Json, nullable=False),  # primary first
    Column("primary_category", String(32)),
    Column("comment", Text),
    Column("published_at", UTCDateTime),  # first version
    Column("updated_at", UTCDateTime),  # latest known version
    Column("abs_url", Text),
    Column("pdf_url", Text),
    Column("github_repo", Text),
    Column("github_stars", Integer),
    Column("project_page", Text),
    Column("ai_summary", Text),
    Column("ai_keywords", Json),
    Column("organization", Json),
    Column("media_urls", Json),
    Column("discussion_id", String(64)),
    # Highest upvote count any imported upstream feed entry reported; local votes add to it.
    Column("upstream_upvotes", Integer, nullable=False, server_default="0"),
    # Listing day for sources that give no submission date (arXiv listing dumps).
    Column("listed_on", Date),
    # Hash of the normalised metadata: lets a re-import tell "unchanged" without comparing fields.
    Column("content_hash", String(32), nullable=False),
    Column("source", String(32), nullable=False),
    _stamp("created_at"),
    _stamp("modified_at"),
    Index(None, "published_at"),
    Index(None, "created_at"),
)

feed_entries = _table(
    "feed_entries",
    _key(),
    _refers("paper_id", "papers", nullable=False),
    Column("feed_day", Date, nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    _refers("submitter_id", "users", "SET NULL"),
    Column("upstream_upvotes", Integer, nullable=False, server_default="0"),
    Column("upstream_comments", Integer, nullable=False, server_default="0"),
    Column("source", String(32), nullable=False),  # "upstream" or "local"
    UniqueConstraint("paper_id", "feed_day"),
    Index(None, "feed_day"),
    Index(None, "submitter_id"),
)

votes = _table(
    "votes",
    *_user_and_paper(),
    _stamp("created_at"),
    Index(None, "paper_id"),
)

comments = _table(
    "comments",
    _key(),
    _refers("paper_id", "papers", nullable=False),
    _refers("author_id", "users", nullable=False),
    _refers("parent_id", "comments"),
    Column("body", Text, nullable=False),  # Markdown as written; rendered and sanitised on output
    Column("hidden", Boolean, nullable=False, server_default=false()),
    _stamp("created_at"),
    _stamp("updated_at"),
    Index(None, "paper_id", "created_at"),
)

# One row per harvestable source and parameter set: when it last ran, where an interrupted
# harvest resumes (cursor), and a lease so only one worker harvests a source at a time.
harvest_state = _table(
    "harvest_state",
    Column("source", String(200), primary_key=True),
    Column("cursor", Json),
    Column("last_attempt_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("last_error", Text),
    Column("next_run_at", UTCDateTime),
    Column("lease_owner", String(100)),
    Column("lease_until", UTCDateTime),
)


# -- accounts and sessions -----------------------------------------------------------------------
# Submissions need no table of their own: a local submission is a feed entry with source "local"
# and its submitter.

# Signed-in sessions. The cookie carries a random token; only its SHA-256 is stored, so a copy of
# the database does not let anyone sign in. Signing out deletes the row (the cookie dies with it).
sessions = _table(
    "sessions",
    Column("id", String(64), primary_key=True),  # sha256 hex of the cookie's token
    _refers("user_id", "users", nullable=False),
    _stamp("created_at"),
    Column("expires_at", UTCDateTime, nullable=False),
    Index(None, "user_id"),
    Index(None, "expires_at"),
)

# Failed sign-ins, one row each, kept for DAILYPAPERS_SIGN_IN_WINDOW: counted per login (the
# username or email typed, lowercased, whether or not it names an account) and per client address
# to slow down password guessing. A correct password deletes its login's rows.
sign_in_failures = _table(
    "sign_in_failures",
    _key(),
    Column("login", String(320), nullable=False),
    Column("address", String(64), nullable=False),
    Column("failed_at", UTCDateTime, nullable=False),
    Index(None, "login", "failed_at"),
    Index(None, "address", "failed_at"),
    Index(None, "failed_at"),
)

# One row counting writes that change what pages show (papers, feed, votes, comments, users,
# harvest state), so each web process can reuse a rendered page until the count moves. On
# PostgreSQL statement-level triggers (migration 0002) bump it inside the writing transaction, so
# the new count becomes visible exactly when the data does. SQLite needs no row: ``PRAGMA
# data_version`` on a connection that never writes moves whenever any other connection commits.
site_generation = _table(
    "site_generation",
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("n", BigInteger, nullable=False, server_default="0"),
)

# -- search: stored embeddings and index bookkeeping ---------------------------------------------
# The full-text index lives outside this metadata because SQLAlchemy cannot describe it: on SQLite
# an FTS5 external-content table ``papers_fts`` (title, authors, abstract) kept in sync with
# ``papers`` by triggers, plus its ``papers_fts_vocab`` term statistics; on PostgreSQL a generated
# weighted tsvector column ``papers.search_document`` with a GIN index. Migration 0003 creates
# them and tests/test_migrations.py ignores exactly those objects.
FULL_TEXT_TABLES = frozenset(
    {
        "papers_fts",
        "papers_fts_data",
        "papers_fts_idx",
        "papers_fts_docsize",
        "papers_fts_config",
        "papers_fts_content",
        "papers_fts_vocab",
    }
)
FULL_TEXT_COLUMNS = frozenset({("papers", "search_document")})

# One embedding per paper: the store is the source of truth, the vector index is derived from it.
# ``content_hash`` is papers.content_hash when embedded (a differing one marks it for a check),
# ``text_hash`` the hash of the text embedded (equal means the vector is still right), and
# ``embedded_at`` lets every worker's index catch up with what others embedded.
paper_embeddings = _table(
    "paper_embeddings",
    _refers("paper_id", "papers", primary_key=True),
    Column("model", String(100), nullable=False),
    Column("content_hash", String(32), nullable=False),
    Column("text_hash", String(32), nullable=False),
    Column("vector", LargeBinary, nullable=False),  # little-endian float16, the model's dimensions
    Column("embedded_at", UTCDateTime, nullable=False),
    Index(None, "embedded_at"),
)

# Leases for search jobs (the background embedder) so one worker at a time runs each.
search_jobs = _table(
    "search_jobs",
    Column("name", String(100), primary_key=True),
    Column("lease_owner", String(100)),
    Column("lease_until", UTCDateTime),
    Column("last_run_at", UTCDateTime),
)

# -- digests: subscriptions, saved searches, marks, the outbox ----------------------------------

# A mail address that asked for digests (double opt-in: nothing but the confirmation mail goes out
# until confirmed_at is set). user_id links it to an account when one subscribed from settings.
subscriptions = _table(
    "subscriptions",
    _key(),
    Column("email", String(320), nullable=False),  # normalised by email-validator
    _refers("user_id", "users", "SET NULL"),
    Column("confirmed_at", UTCDateTime),
    Column("unsubscribed_at", UTCDateTime),
    Column("frequency", String(16), nullable=False, server_default="daily"),  # daily | weekly
    Column("timezone", String(64), nullable=False, server_default="UTC"),  # IANA name
    Column("send_hour", Integer, nullable=False, server_default="7"),  # local hour, 0-23
    Column("weekly_day", Integer, nullable=False, server_default="0"),  # 0 = Monday
    # Sections wanted, e.g. ["top", "trending", "for_you", "searches"].
    Column("content", Json, nullable=False),
    _stamp("created_at"),
    _stamp("updated_at"),
    Index(None, "user_id"),
)
Index("uq_subscriptions_email_lower", func.lower(subscriptions.c.email), unique=True)

# A search kept as an alert: new matches (papers stored after the watermark) go in the next digest.
saved_searches = _table(
    "saved_searches",
    _key(),
    _refers("subscription_id", "subscriptions"),
    _refers("user_id", "users"),
    Column("query", Text, nullable=False),
    Column("filters", Json, nullable=False),
    Column("watermark_at", UTCDateTime, nullable=False),  # last matched up to here
    _stamp("created_at"),
    Index(None, "subscription_id"),
    Index(None, "user_id"),
)

# A reader's "saved" or "not interested" mark on a paper: one per user and paper.
paper_marks = _table(
    "paper_marks",
    *_user_and_paper(),
    Column("kind", String(16), nullable=False),  # saved | not_interested
    _stamp("created_at"),
)

# One mail to one recipient for one period (digest) or one confirmation request; the unique
# (subscription, period) makes composing idempotent. The delivery state machine and its crash
# guarantee are documented in digest/worker.py.
outbox = _table(
    "outbox",
    _key(),
    _refers("subscription_id", "subscriptions", nullable=False),
    Column("period", String(64), nullable=False),  # "daily:2026-03-03", "confirm:2026-03-03T09"
    Column("kind", String(16), nullable=False),  # digest | confirmation
    Column("recipient", String(320), nullable=False),
    Column("message_id", String(255), nullable=False, unique=True),
    # What render.py needs to build the message byte for byte again: the composed digest.
    Column("content", Json, nullable=False),
    Column("subject", Text, nullable=False),
    # queued | sending | committed | sent | unconfirmed | failed | cancelled | empty
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("lease_owner", String(100)),
    Column("lease_until", UTCDateTime),
    Column("last_error", Text),
    Column("smtp_reply", Text),
    Column("composed_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    _stamp("updated_at"),
    UniqueConstraint("subscription_id", "period"),
    Index(None, "status", "next_attempt_at"),
)

# Papers already mailed to a subscription, so "for you" never repeats one.
mailed_papers = _table(
    "mailed_papers",
    _refers("subscription_id", "subscriptions", primary_key=True),
    _refers("paper_id", "papers", primary_key=True),
    _refers("outbox_id", "outbox", nullable=False),
    Column("mailed_at", UTCDateTime, nullable=False),
    Index(None, "outbox_id"),
)


# -- API tokens and private feed tokens ----------------------------------------------------------

# Secrets a user holds: API tokens (``Authorization: Bearer``) and private feed tokens (in a feed
# URL). Only the SHA-256 of a token is stored; the token itself is shown once, at creation.
# ``prefix`` (its first characters) lets the settings page tell tokens apart.
api_tokens = _table(
    "api_tokens",
    _key(),
    _refers("user_id", "users", nullable=False),
    Column("kind", String(8), nullable=False),  # "api" or "feed"
    Column("name", String(100), nullable=False, server_default=""),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    _stamp("created_at"),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Index(None, "user_id"),
)

# The API lists the whole feed newest first (``/api/daily_papers`` without a period): this index
# lets it read the newest entries instead of sorting the feed on every call.
Index("ix_feed_entries_submitted_at", feed_entries.c.submitted_at)
