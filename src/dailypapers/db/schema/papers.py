"""The papers and what the community adds to them: the feed, votes, comments; harvest state, the
site's change counter and the search bookkeeping."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)

from dailypapers.db.schema.columns import (
    Json,
    UTCDateTime,
    key,
    refers,
    stamp,
    table,
    user_and_paper,
)

papers = table(
    "papers",
    key(),
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
    stamp("created_at"),
    stamp("modified_at"),
    Index(None, "published_at"),
    # The papers of the last week (for you, digests): by publication, else by listing day.
    Index(None, "listed_on"),
    Index(None, "published_at", "listed_on"),
    Index(None, "created_at"),
    # The keyword index catches up with papers changed since its watermark.
    Index(None, "modified_at"),
)

# One row per author of a paper, in the paper's order: the name as given and its matching key
# (:func:`dailypapers.name_keys.name_key`), so an author's papers are found by index. Written
# with the paper, in the same transaction, whenever its authors are written.
paper_authors = table(
    "paper_authors",
    refers("paper_id", "papers", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("name", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    # The key's last word: initials ("J. Smith") are matched among the authors of that surname,
    # counted from the index alone.
    Column("surname_key", Text, nullable=False),
    Index(None, "name_key", "paper_id"),
    Index(None, "surname_key", "name_key", "paper_id"),
)

# A paper's code, model, dataset, demo and project links (:mod:`dailypapers.code_links`), in its
# order (the upstream feed's first, then the abstract's, then the comment's), each with where it
# came from (``upstream``, ``abstract`` or ``comment``). Written with the paper, in the same
# transaction, whenever the paper is written; "has code" is an EXISTS on it by paper_id.
paper_links = table(
    "paper_links",
    refers("paper_id", "papers", primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("url", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("source", String(16), nullable=False),
    UniqueConstraint("paper_id", "url"),
)

feed_entries = table(
    "feed_entries",
    key(),
    refers("paper_id", "papers", nullable=False),
    Column("feed_day", Date, nullable=False),
    Column("submitted_at", UTCDateTime, nullable=False),
    refers("submitter_id", "users", "SET NULL"),
    Column("upstream_upvotes", Integer, nullable=False, server_default="0"),
    Column("upstream_comments", Integer, nullable=False, server_default="0"),
    Column("source", String(32), nullable=False),  # "upstream" or "local"
    UniqueConstraint("paper_id", "feed_day"),
    Index(None, "feed_day"),
    Index(None, "submitter_id"),
)

votes = table(
    "votes",
    *user_and_paper(),
    stamp("created_at"),
    Index(None, "paper_id"),
)
# A comment's ``body`` is the Markdown as written; ``html`` is it rendered and sanitised when
# written (a page never renders Markdown). ``depth`` is 0 for a top-level comment, its parent's
# depth + 1 for a reply; the discussion rules cap it so a thread's nesting stays bounded.
comments = table(
    "comments",
    key(),
    refers("paper_id", "papers", nullable=False),
    refers("author_id", "users", nullable=False),
    refers("parent_id", "comments"),
    Column("body", Text, nullable=False),
    Column("html", Text),
    Column("depth", Integer, nullable=False, server_default="0"),
    Column("hidden", Boolean, nullable=False, server_default=false()),
    stamp("created_at"),
    stamp("updated_at"),
    Index(None, "paper_id", "created_at"),
)
# One row per harvestable source and parameter set: when it last ran, where an interrupted
# harvest resumes (cursor), and a lease so only one worker harvests a source at a time.
harvest_state = table(
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


# One row counting writes that change what pages show (papers, feed, votes, comments, users,
# harvest state), so each web process can reuse a rendered page until the count moves. On
# PostgreSQL statement-level triggers (migration 0002) bump it inside the writing transaction, so
# the new count becomes visible exactly when the data does. SQLite needs no row: ``PRAGMA
# data_version`` on a connection that never writes moves whenever any other connection commits.
site_generation = table(
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
paper_embeddings = table(
    "paper_embeddings",
    refers("paper_id", "papers", primary_key=True),
    Column("model", String(100), nullable=False),
    Column("content_hash", String(32), nullable=False),
    Column("text_hash", String(32), nullable=False),
    Column("vector", LargeBinary, nullable=False),  # little-endian float16, the model's dimensions
    Column("embedded_at", UTCDateTime, nullable=False),
    Index(None, "embedded_at"),
)

# Leases for search jobs (the background embedder) so one worker at a time runs each.
search_jobs = table(
    "search_jobs",
    Column("name", String(100), primary_key=True),
    Column("lease_owner", String(100)),
    Column("lease_until", UTCDateTime),
    Column("last_run_at", UTCDateTime),
)
# arXiv ids a lookup found missing, and when: a submission of one of them within the negative
# cache's lifetime is answered from here instead of asking arXiv again.
arxiv_misses = table(
    "arxiv_misses",
    Column("arxiv_id", String(64), primary_key=True),
    Column("checked_at", UTCDateTime, nullable=False),
)

# The API lists the whole feed newest first (``/api/daily_papers`` without a period): this index
# lets it read the newest entries instead of sorting the feed on every call.
Index("ix_feed_entries_submitted_at", feed_entries.c.submitted_at)
