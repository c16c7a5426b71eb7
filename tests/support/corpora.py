"""What the session's template stores hold: real days of the upstream feed and of arXiv listings.

- ``feed``: the upstream feed of 2025-06-09..13 and 2025-06-16 (a gap over the weekend to skip),
  plus :data:`HOSTILE_ID` (a paper whose text tries to run script, with LaTeX in its title, in
  the feed on 2025-06-16) and :data:`UNLISTED_ID` (stored, in no feed: what a user submits).
- ``june``: every day of the upstream feed in June 2025 (the feed views' own tests).
- ``api``: the feed's eras: 2024-05-27 (before upstream sent ``submittedOnDailyAt``), the ISO
  week 2025-W24, 2026-03-06 (organizations, project pages), 2026-04-10 / 2026-04-16 (paper
  2604.07429 entered the feed on both days), plus one arXiv listing day (papers that never
  entered the feed).
- ``search``: three feed days (49 papers, among them 2506.08007 "Reinforcement Pre-Training")
  and the first 60 papers of one arXiv listing day (they carry categories).
"""

from __future__ import annotations

import gzip
import os
from datetime import UTC, date, datetime
from pathlib import Path

from dailypapers.db import Database
from dailypapers.ingest import importer
from dailypapers.search import embedder
from dailypapers.store import embeddings as embedding_store
from tests.support import data

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("DAILYPAPERS_SHARED_DIR", ROOT.parent / "shared"))
DATA = SHARED / "data"

FEED_DAYS = ("2025-06-09", "2025-06-10", "2025-06-11", "2025-06-12", "2025-06-13", "2025-06-16")
API_DAYS = (
    "2024-05-27",
    "2025-06-09",
    "2025-06-10",
    "2025-06-11",
    "2025-06-12",
    "2025-06-13",
    "2026-03-06",
    "2026-04-10",
    "2026-04-16",
)
API_LISTING_DAY = "2025-09-10"  # shares no paper with the feed days
SEARCH_DAYS = ("2025-06-09", "2025-06-10", "2025-06-11")
SEARCH_LISTING_DAY = "2025-06-11"
SEARCH_LISTING_PAPERS = 60

HOSTILE_ID = "2506.99001"
HOSTILE_TITLE = "Attention <script>alert('title')</script> is $O(n^2)$ <img src=x onerror=alert(2)>"
HOSTILE_ABSTRACT = "We show <b>bold</b> claims and <script>alert('abstract')</script> $\\alpha$."
UNLISTED_ID = "2506.99002"


def day_file(day: str) -> Path:
    return DATA / "hf-daily-papers" / f"{day}.json.gz"


def listing_file(day: str) -> Path:
    return DATA / "arxiv-listings" / f"{day}.jsonl.gz"


def _import(db: Database, paths: list[Path]) -> None:
    summary = importer.import_paths(db, paths)
    assert summary.rejected == 0, summary


def feed(db: Database) -> None:
    _import(db, [day_file(day) for day in FEED_DAYS])
    hostile = data.paper(
        HOSTILE_ID,
        HOSTILE_TITLE,
        abstract=HOSTILE_ABSTRACT,
        authors=["Mallory <b>Evil</b>", "Trent Trusted"],
        categories=["cs.LG"],
        published_at=datetime(2025, 6, 15, 12, tzinfo=UTC),
    )
    unlisted = data.paper(
        UNLISTED_ID,
        "A Paper Nobody Submitted Yet",
        abstract="Quiet results.",
        authors=["Carol Quiet"],
        categories=["cs.CL"],
        published_at=datetime(2025, 6, 15, 12, tzinfo=UTC),
    )
    data.store(db, data.in_feed(hostile, date(2025, 6, 16), upvotes=3), unlisted)


def june(db: Database) -> None:
    _import(db, sorted((DATA / "hf-daily-papers").glob("2025-06-*.json.gz")))


def api(db: Database) -> None:
    _import(db, [*(day_file(day) for day in API_DAYS), listing_file(API_LISTING_DAY)])


def search_files(folder: Path) -> list[Path]:
    """The search corpus's files: three feed days and a listing day cut to its first papers."""
    target = folder / f"{SEARCH_LISTING_DAY}.jsonl.gz"
    if not target.exists():
        with (
            gzip.open(listing_file(SEARCH_LISTING_DAY), "rt") as source,
            gzip.open(target, "wt") as sink,
        ):
            for _, line in zip(range(SEARCH_LISTING_PAPERS), source, strict=False):
                sink.write(line)
    return [*(day_file(day) for day in SEARCH_DAYS), target]


def store_vectors(db: Database, vectors: dict[str, bytes]) -> int:
    """Save the session's vectors for every stored paper lacking one (through the store)."""
    with db.read() as conn:
        rows = embedding_store.pending(conn, embedder.MODEL_NAME, limit=100_000)
    saved = []
    for row in rows:
        digest = embedder.text_hash(embedder.paper_text(row["title"], row["abstract"]))
        if digest in vectors:
            saved.append(
                {
                    "paper_id": row["id"],
                    "model": embedder.MODEL_NAME,
                    "content_hash": row["content_hash"],
                    "text_hash": digest,
                    "vector": vectors[digest],
                }
            )
    with db.write() as conn:
        embedding_store.save(conn, saved)
    return len(saved)
