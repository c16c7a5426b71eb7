"""Feeds a reader composes: which papers (categories, authors, keywords, "like this text",
upvotes), shown on a page, as Atom/RSS/JSON and as a section of the reader's digest."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, String, false, func

from dailypapers.db.schema.columns import Json, UTCDateTime, key, refers, stamp, table
from dailypapers.db.schema.papers import papers

# ``definition`` holds what the feed matches, as the API's JSON names it (categories,
# exclude_categories, authors, query, like, min_upvotes). A private feed's reader URL carries a
# token derived from the site's secret key and ``token_nonce`` (see dailypapers.feeds.access):
# the nonce alone opens nothing, and a new nonce revokes every old address at once.
# ``digest_watermark_at``: the digest mailed its matches stored up to here.
feeds = table(
    "feeds",
    key(),
    refers("user_id", "users", nullable=False),
    Column("name", String(100), nullable=False),
    Column("definition", Json, nullable=False),
    Column("private", Boolean, nullable=False, server_default=false()),
    Column("token_nonce", String(32), nullable=False),
    Column("digest_watermark_at", UTCDateTime),
    stamp("created_at"),
    stamp("updated_at"),
    Index(None, "user_id"),
)

# A feed's papers are read newest arXiv date first (store/feeds.matching_ids): this index walks
# the papers in that order and holds what the criteria test (categories, upstream upvotes), so a
# page of a category feed stops after its matches instead of reading and sorting every paper
# (at 85k papers: under a millisecond of SQL instead of a scan of the whole table).
Index(
    "ix_papers_feed_order",
    func.coalesce(papers.c.published_at, papers.c.created_at),
    papers.c.id,
    papers.c.categories,
    papers.c.upstream_upvotes,
)
# A feed of the upvoted ("at least 50") looks its few papers up by this instead of walking the
# feed order (store/feeds.py: LEAD_AT_MOST).
Index("ix_papers_upstream_upvotes", papers.c.upstream_upvotes)
