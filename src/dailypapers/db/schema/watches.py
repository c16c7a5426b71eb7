"""Papers readers watch: a new arXiv version, a new code link or a new comment is news to them.

Nothing is written when a watched paper changes: what is new is read by comparing the paper as
it is now (``papers.version``, its ``paper_links``, its comments' ``created_at``) with what the
watch recorded. ``base_*``: the paper when it was watched (the /watching page shows every change
since). ``seen_*``: what the reader's digest last told them (its next one tells what is newer).
Link sets are JSON lists of the code links' URLs (``paper_links`` rows are rewritten with the
paper, so their URLs, not their rows, say what is new).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, UniqueConstraint

from dailypapers.db.schema.columns import Json, UTCDateTime, key, refers, stamp, table

watches = table(
    "watches",
    key(),
    refers("user_id", "users", nullable=False),
    refers("paper_id", "papers", nullable=False),
    Column("base_version", Integer),
    Column("base_links", Json, nullable=False),
    Column("seen_at", UTCDateTime, nullable=False),
    Column("seen_version", Integer),
    Column("seen_links", Json, nullable=False),
    stamp("created_at"),
    UniqueConstraint("user_id", "paper_id"),
    Index(None, "paper_id"),
)

# Migration 0016 also makes ``ix_papers_day_order``, outside this metadata: a keyword feed
# reads the search's matches newest first by the paper's day (store/search.paper_day_sql), which
# each backend spells differently, and an expression index serves only its own spelling.
