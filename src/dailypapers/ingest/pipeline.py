"""The one pipeline every source feeds: validate, merge with what is stored, upsert in batches.

Items stream through in batches (one transaction each), so memory stays flat in the number of
papers and an interrupted import keeps every finished batch. Merging rules, so that importing from
several sources in any order converges and re-importing changes nothing:

- a field a record does not carry (None, or an empty list) never erases a stored value;
- a record of an *older* arXiv version than the stored one does not overwrite the text fields
  (title, abstract, authors, categories, comment), but may still add missing extras
  (GitHub repo, project page, AI summary);
- the first-version date is the earliest any source reported;
- a paper is "unchanged" when the hash of its merged metadata equals the stored hash, and its
  feed entry (if any) already has the same upstream counts.

Votes, comments and feed entries hang off the paper's surrogate key, which never changes, so a
newer version never loses them.

Most papers of a big import are new: those, and their author and link rows, are written in bulk
(``store/bulk.py``: plain tuples to SQLite's executemany, PostgreSQL's COPY); the rules above
apply to the papers already stored, which are read once per batch.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DataError, IntegrityError

from dailypapers import arxiv_ids
from dailypapers.db.engine import Database
from dailypapers.ingest import derived
from dailypapers.ingest.records import (
    FeedRecord,
    Item,
    PaperRecord,
    Rejection,
    validate_entry,
    validate_paper,
)
from dailypapers.store import bulk as bulk_store
from dailypapers.store import feed as feed_store
from dailypapers.store import papers as paper_store
from dailypapers.store import users as user_store
from dailypapers.tally import Tally

log = logging.getLogger(__name__)

BATCH_SIZE = 1000
TEXT_FIELDS = ("title", "abstract", "authors", "categories", "primary_category", "comment")
# Fields hashed for "unchanged": the metadata a reader sees, that is every column a record sets
# but the key (arxiv_id) and what follows from other fields (primary_category, from categories).
HASHED_FIELDS = tuple(
    name for name in paper_store.CONTENT_COLUMNS if name not in ("arxiv_id", "primary_category")
)
MAX_KEPT_REJECTIONS = 1000
# What the database says about one record's data (a constraint, a value it cannot hold; SQLite's
# driver raises OverflowError itself for an integer beyond 64 bits): that record is rejected and
# its batch kept. Anything else (a lost connection, a full disk) fails the import as it should.
RECORD_ERRORS = (IntegrityError, DataError, OverflowError)


@dataclass
class ImportSummary(Tally):
    """What an import did with its items: papers new, updated or unchanged, items rejected (the
    first MAX_KEPT_REJECTIONS of them kept to show), feed entries new or updated."""

    KEPT = MAX_KEPT_REJECTIONS
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    feed_new: int = 0
    feed_updated: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged + self.rejected


# Called after each committed batch with the ids of papers that are new or changed, so indexes
# (search) can follow without the pipeline knowing about them.
BatchListener = Callable[[Database, list[int]], None]


class Pipeline:
    def __init__(
        self,
        db: Database,
        *,
        batch_size: int = BATCH_SIZE,
        listeners: Iterable[BatchListener] = (),
        on_rejection: Callable[[Rejection], None] | None = None,
    ):
        self.db = db
        self.batch_size = batch_size
        self.listeners = list(listeners)
        self.on_rejection = on_rejection

    def run(
        self, items: Iterable[Item], *, progress: Callable[[int], None] | None = None
    ) -> ImportSummary:
        """Consume ``items`` (a generator is fine); ``progress`` gets the count of each batch."""
        summary = ImportSummary()
        iterator = iter(items)
        while batch := list(islice(iterator, self.batch_size)):
            summary.add(self.run_batch(batch))
            if progress:
                progress(len(batch))
        return summary

    def run_batch(self, batch: list[Item]) -> ImportSummary:
        summary = ImportSummary()
        papers_in, feeds_in = self._validated(batch, summary)
        now = datetime.now(UTC)
        with self.db.write() as conn:
            written = self._written(conn, papers_in, feeds_in, summary, now)
        changed = []
        for part in written:
            summary.feed_new += part.feed_new
            summary.feed_updated += part.feed_updated
            for arxiv_id, state in part.outcome.items():
                setattr(summary, state, getattr(summary, state) + 1)
                # Records beyond the first of one paper in a batch count as unchanged repeats.
                summary.unchanged += len(papers_in[arxiv_id]) - 1
                if state != "unchanged":
                    changed.append(part.ids[arxiv_id])
        if changed:
            for listener in self.listeners:
                listener(self.db, changed)
        return summary

    def _written(
        self,
        conn: Connection,
        papers_in: dict[str, list[PaperRecord]],
        feeds_in: list[FeedRecord],
        summary: ImportSummary,
        now: datetime,
    ) -> list[Written]:
        """Write the batch in one savepoint. When the database refuses it (a record our checks
        let through), write it again paper by paper, each in a savepoint of its own, rejecting
        the papers it refuses (with their feed entries): one bad record never costs its batch,
        and a good batch costs one savepoint, not a thousand."""
        try:
            with conn.begin_nested():
                return [_write(conn, papers_in, feeds_in, now)]
        except RECORD_ERRORS:
            log.info("a batch was refused; writing its %d papers one by one", len(papers_in))
        entries_of: dict[str, list[FeedRecord]] = {}
        for entry in feeds_in:
            entries_of.setdefault(entry.paper.arxiv_id, []).append(entry)
        written = []
        for arxiv_id, records in papers_in.items():
            try:
                with conn.begin_nested():
                    one = {arxiv_id: records}
                    written.append(_write(conn, one, entries_of.get(arxiv_id, []), now))
            except RECORD_ERRORS as error:
                reason = f"paper {arxiv_id}: the database refused it: {_first_line(error)}"
                for record in records:
                    self._reject(summary, Rejection(record.origin, reason))
        return written

    def _validated(
        self, batch: list[Item], summary: ImportSummary
    ) -> tuple[dict[str, list[PaperRecord]], list[FeedRecord]]:
        """The batch's valid papers by arXiv id (several records of one paper, from two feed days
        or two files, merge in order as they would across batches) and its feed records."""
        papers_in: dict[str, list[PaperRecord]] = {}
        feeds_in: list[FeedRecord] = []
        for item in batch:
            if isinstance(item, Rejection):
                self._reject(summary, item)
                continue
            paper = item.paper if isinstance(item, FeedRecord) else item
            try:
                if isinstance(item, FeedRecord):
                    validate_entry(item)
                else:
                    validate_paper(item)
            except ValueError as error:
                self._reject(summary, Rejection(paper.origin or item.origin, str(error)))
                continue
            papers_in.setdefault(paper.arxiv_id, []).append(paper)
            if isinstance(item, FeedRecord):
                feeds_in.append(item)
        return papers_in, feeds_in

    def _reject(self, summary: ImportSummary, rejection: Rejection) -> None:
        summary.rejected += 1
        if len(summary.rejections) < MAX_KEPT_REJECTIONS:
            summary.rejections.append(rejection)
        if self.on_rejection:
            self.on_rejection(rejection)
        else:
            log.warning("rejected %s", rejection)


@dataclass
class Written:
    """What one savepoint wrote: the papers' ids and outcomes (new, updated, unchanged), and
    how many feed entries it added and updated."""

    ids: dict[str, int]
    outcome: dict[str, str]
    feed_new: int = 0
    feed_updated: int = 0


def _write(
    conn: Connection,
    papers_in: dict[str, list[PaperRecord]],
    feeds_in: list[FeedRecord],
    now: datetime,
) -> Written:
    """Merge these papers with the stored ones, upsert them and their feed entries."""
    stored = paper_store.by_arxiv_ids(conn, papers_in)
    inserts, updates, outcome = _merged(stored, papers_in, now)
    ids = {k: v["id"] for k, v in stored.items()}
    ids.update(bulk_store.insert_papers(conn, inserts))
    paper_store.update_many(conn, updates)
    derived.write(
        conn,
        [(ids[row["arxiv_id"]], row) for row in inserts],
        [(ids[row["arxiv_id"]], row) for row in updates],
    )
    feed_changed, feed_new, feed_updated = _upsert_feed(conn, feeds_in, ids)
    for arxiv_id in feed_changed:
        if outcome[arxiv_id] == "unchanged":
            outcome[arxiv_id] = "updated"
    return Written(ids, outcome, feed_new, feed_updated)


def _upsert_feed(
    conn: Connection, feeds: list[FeedRecord], ids: dict[str, int]
) -> tuple[set[str], int, int]:
    """Insert or update the feed entries; (arXiv ids of the papers whose entries changed,
    entries added, entries updated)."""
    if not feeds:
        return set(), 0, 0
    submitters = user_store.ensure_upstream(conn, [f.submitter for f in feeds if f.submitter])
    existing = feed_store.entries_for(conn, (ids[f.paper.arxiv_id] for f in feeds))
    inserts: dict[tuple, dict] = {}
    updates: dict[int, dict] = {}
    changed: set[str] = set()
    for record in feeds:
        paper_id = ids[record.paper.arxiv_id]
        submitter_id = submitters[user_store.key_of(record.submitter)] if record.submitter else None
        key = (paper_id, record.feed_day)
        row = existing.get(key) or inserts.get(key)
        if row is None:
            inserts[key] = {
                "paper_id": paper_id,
                "feed_day": record.feed_day,
                "submitted_at": record.submitted_at,
                "submitter_id": submitter_id,
                "upstream_upvotes": record.upvotes,
                "upstream_comments": record.comments,
                "source": record.source,
            }
            changed.add(record.paper.arxiv_id)
            continue
        wanted = {
            "upstream_upvotes": record.upvotes,
            "upstream_comments": record.comments,
            "submitter_id": submitter_id or row["submitter_id"],
        }
        if any(row[k] != v for k, v in wanted.items()):
            row.update(wanted)
            if "id" in row:
                updates[row["id"]] = row
            changed.add(record.paper.arxiv_id)
    feed_store.insert_many(conn, list(inserts.values()))
    feed_store.update_upstream_counts(conn, list(updates.values()))
    feed_store.refresh_paper_upvotes(conn, (ids[a] for a in changed))
    return changed, len(inserts), len(updates)


def merge(row: dict[str, Any] | None, record: PaperRecord) -> dict[str, Any]:
    """The stored row (or None) updated by ``record`` under the rules in the module doc."""
    incoming = {
        "arxiv_id": record.arxiv_id,
        "version": record.version,
        "title": record.title,
        "abstract": record.abstract,
        "authors": record.authors,
        "categories": record.categories,
        "primary_category": record.categories[0] if record.categories else None,
        "comment": record.comment,
        "published_at": record.published_at,
        "updated_at": record.updated_at,
        "abs_url": record.abs_url or arxiv_ids.abs_url(record.arxiv_id),
        "pdf_url": record.pdf_url or arxiv_ids.pdf_url(record.arxiv_id),
        "github_repo": record.github_repo,
        "github_stars": record.github_stars,
        "project_page": record.project_page,
        "ai_summary": record.ai_summary,
        "ai_keywords": record.ai_keywords,
        "organization": record.organization,
        "media_urls": record.media_urls,
        "discussion_id": record.discussion_id,
        "listed_on": record.listed_on,
        "source": record.source,
    }
    if row is None:
        return incoming
    merged = dict(row)
    older = (
        record.version is not None
        and row["version"] is not None
        and record.version < row["version"]
    )
    for name, value in incoming.items():
        if value is None or value == [] or value == "":
            continue
        if older and (name in TEXT_FIELDS or name in ("version", "updated_at")):
            continue
        if name == "published_at" and row["published_at"] is not None:
            value = min(value, row["published_at"])
        if name == "listed_on" and row["listed_on"] is not None:
            value = min(value, row["listed_on"])
        merged[name] = value
    return merged


def content_hash(row: dict[str, Any]) -> str:
    payload = json.dumps([row.get(name) for name in HASHED_FIELDS], default=str, sort_keys=True)
    return hashlib.md5(payload.encode(), usedforsecurity=False).hexdigest()


def _merged(
    stored: dict[str, dict], papers_in: dict[str, list[PaperRecord]], now: datetime
) -> tuple[list[dict], list[dict], dict[str, str]]:
    """(rows to insert, rows to update, each paper's outcome: new, updated or unchanged)."""
    inserts, updates, outcome = [], [], {}
    for arxiv_id, records in papers_in.items():
        before = stored.get(arxiv_id)
        row = dict(before) if before else None
        for record in records:
            row = merge(row, record)
        row["content_hash"] = content_hash(row)
        if before is None:
            row["created_at"] = row["modified_at"] = now
            inserts.append(row)
            outcome[arxiv_id] = "new"
        elif row["content_hash"] != before["content_hash"]:
            row["modified_at"] = now
            updates.append(row)
            outcome[arxiv_id] = "updated"
        else:
            outcome[arxiv_id] = "unchanged"
    return inserts, updates, outcome


def _first_line(error: Exception) -> str:
    """The database's own words about a refused record, without SQL and parameters."""
    cause = getattr(error, "orig", None) or error
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0][:200]
