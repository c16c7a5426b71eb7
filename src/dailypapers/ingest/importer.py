"""``dailypapers import``: detect each file's format (upstream daily JSON, arXiv listing, arXiv
metadata snapshot) and feed its records to the pipeline."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from dailypapers.db.engine import Database
from dailypapers.ingest import arxiv_listing, arxiv_snapshot, hf_daily
from dailypapers.ingest.files import expand, kind_of, open_text
from dailypapers.ingest.pipeline import ImportSummary, Pipeline
from dailypapers.ingest.records import Item, Rejection


def records_from(path: Path) -> Iterator[Item]:
    """The records of one file, whatever its format; problems become Rejections."""
    if not path.exists():
        yield Rejection(str(path), "no such file or folder")
        return
    kind = kind_of(path)
    if kind is not None and arxiv_snapshot.is_snapshot(path):
        yield from arxiv_snapshot.read_file(path)
    elif kind == "arxiv-listing":
        yield from arxiv_listing.read_file(path)
    elif kind == "upstream-daily":
        yield from _read_json(path)
    else:
        yield Rejection(str(path), "unknown format (expected .json, .json.gz, .jsonl or .jsonl.gz)")


def _read_json(path: Path) -> Iterator[Item]:
    try:
        with open_text(path) as handle:
            payload = json.load(handle)
    # ValueError: invalid JSON, or a number of more digits than Python converts (4,300).
    except (OSError, EOFError, zlib.error, ValueError) as error:
        yield Rejection(str(path), f"cannot read this file: {error}")
        return
    day = hf_daily.day_in_name(path)
    if hf_daily.looks_like(payload):
        yield from hf_daily.parse_response(payload, day, str(path))
    elif arxiv_listing.looks_like(payload):
        yield from arxiv_listing.parse_objects(payload, day, str(path))
    else:
        yield Rejection(str(path), "not a daily_papers response nor a list of arXiv records")


def count_hint(paths: Iterable[Path]) -> int:
    """Total bytes to read, for a progress bar that moves by file size."""
    return sum(p.stat().st_size for p in expand(paths) if p.exists())


def import_paths(
    db: Database,
    paths: Iterable[Path],
    *,
    pipeline: Pipeline | None = None,
    on_file_done: Callable[[Path], None] | None = None,
) -> ImportSummary:
    """Import every file under ``paths``; one bad file or record never stops the others."""
    pipeline = pipeline or Pipeline(db)

    def items() -> Iterator[Item]:
        for path in expand(paths):
            yield from records_from(path)
            if on_file_done:
                on_file_done(path)

    return pipeline.run(items())
