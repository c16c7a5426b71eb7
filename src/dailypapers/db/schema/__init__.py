"""The schema as SQLAlchemy Core tables: what store/ queries and what migrations must produce.

``tests/db/test_migrations.py`` checks that ``alembic upgrade head`` yields exactly these tables
on both backends, so a change here needs a migration in ``db/migrations/versions``.

Conventions: surrogate integer keys (they double as FTS rowids and vector-index keys), times are
timezone-aware UTC (:class:`UTCDateTime`), lists are JSON, arXiv ids are stored without version.
"""

from dailypapers.db.schema.accounts import account_tokens, api_tokens, rate_events, sessions, users
from dailypapers.db.schema.claims import author_claims
from dailypapers.db.schema.columns import Json, Key, UTCDateTime, metadata
from dailypapers.db.schema.digest import (
    mailed_papers,
    outbox,
    paper_marks,
    saved_searches,
    subscriptions,
    suppressions,
)
from dailypapers.db.schema.feeds import feeds
from dailypapers.db.schema.library import collection_items, collections, library_fetches
from dailypapers.db.schema.papers import (
    FULL_TEXT_COLUMNS,
    FULL_TEXT_TABLES,
    arxiv_misses,
    comments,
    feed_entries,
    harvest_state,
    paper_authors,
    paper_embeddings,
    paper_links,
    papers,
    search_jobs,
    site_generation,
    votes,
)
from dailypapers.db.schema.watches import watches
from dailypapers.db.schema.webhooks import webhook_deliveries, webhooks

__all__ = [
    "FULL_TEXT_COLUMNS",
    "FULL_TEXT_TABLES",
    "Json",
    "Key",
    "UTCDateTime",
    "account_tokens",
    "api_tokens",
    "arxiv_misses",
    "author_claims",
    "collection_items",
    "collections",
    "comments",
    "feed_entries",
    "feeds",
    "harvest_state",
    "library_fetches",
    "mailed_papers",
    "metadata",
    "outbox",
    "paper_authors",
    "paper_embeddings",
    "paper_links",
    "paper_marks",
    "papers",
    "rate_events",
    "saved_searches",
    "search_jobs",
    "sessions",
    "site_generation",
    "subscriptions",
    "suppressions",
    "users",
    "votes",
    "watches",
    "webhook_deliveries",
    "webhooks",
]
