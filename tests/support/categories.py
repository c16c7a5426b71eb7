"""The feed template's papers with their real arXiv categories: the feed upstream sends carries
none, so tests of category pages import the lines of the arXiv listings of the feed's days
(and the days before, where some of its papers were listed) that are about its papers."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from dailypapers.db import Database
from dailypapers.ingest import importer
from tests.support import corpora

LISTING_DAYS = ("2025-06-05", "2025-06-06", *corpora.FEED_DAYS)


def feed_ids() -> set[str]:
    ids = set()
    for day in corpora.FEED_DAYS:
        with gzip.open(corpora.day_file(day), "rt") as source:
            ids |= {entry["paper"]["id"] for entry in json.load(source)}
    return ids


def listed_feed(db: Database, folder: Path) -> dict[str, list[str]]:
    """Import the listing lines about the feed's papers; their categories by arXiv id."""
    wanted, categories = feed_ids(), {}
    for day in LISTING_DAYS:
        target = folder / f"{day}.jsonl.gz"
        with gzip.open(corpora.listing_file(day), "rt") as source, gzip.open(target, "wt") as sink:
            for line in source:
                record = json.loads(line)
                if record["id"] in wanted:
                    categories[record["id"]] = record["categories"]
                    sink.write(line)
        summary = importer.import_paths(db, [target])
        assert summary.rejected == 0, summary
    return categories
