"""arXiv listing dumps: JSON Lines of
``{id, title, summary, authors, categories, comment, pdf, abs}``.

One file per listing day (``YYYY-MM-DD.jsonl[.gz]``); the day in the name becomes the paper's
``listed_on`` (such dumps carry no submission date). Lines are read one at a time, so a dump of any
size streams; a broken line is a Rejection naming file and line, and reading goes on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from dailypapers.ingest import records
from dailypapers.ingest.files import numbered_lines, open_text
from dailypapers.ingest.records import Item, PaperRecord, Rejection

SOURCE = "arxiv-listing"
_DAY_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def read_file(path: Path) -> Iterator[Item]:
    match = _DAY_IN_NAME.search(path.name)
    try:
        listed_on = date.fromisoformat(match.group(1)) if match else None
    except ValueError:
        listed_on = None
    for found in numbered_lines(path, open_text):
        if isinstance(found, Rejection):
            yield found
            continue
        origin, line = found
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as error:
            yield Rejection(origin, f"not valid JSON: {error.msg} at column {error.colno}")
            continue
        except ValueError as error:  # a number of more digits than Python converts
            yield Rejection(origin, f"not readable JSON: {error}")
            continue
        yield parse_object(raw, listed_on, origin)


def parse_objects(objects: Iterable[Any], listed_on: date | None, origin: str) -> Iterator[Item]:
    for position, raw in enumerate(objects, 1):
        yield parse_object(raw, listed_on, f"{origin} record {position}")


def parse_object(raw: Any, listed_on: date | None, origin: str) -> Item:
    """One listing record as a PaperRecord, or a Rejection saying what is wrong with it."""
    try:
        if not isinstance(raw, dict):
            raise records.InvalidRecord("record is not a JSON object")
        arxiv_id, version = records.parse_arxiv_id(raw.get("id"))
        return PaperRecord(
            arxiv_id=arxiv_id,
            version=version,
            title=records.clean_line(raw.get("title"), "title"),
            abstract=records.clean_text(raw.get("summary", raw.get("abstract")), "summary"),
            authors=records.clean_authors(raw.get("authors", [])),
            categories=records.clean_categories(raw.get("categories")),
            comment=records.clean_optional(raw.get("comment"), "comment"),
            abs_url=records.clean_url(raw.get("abs"), "abs"),
            pdf_url=records.clean_url(raw.get("pdf"), "pdf"),
            listed_on=listed_on,
            source=SOURCE,
            origin=origin,
        )
    except records.InvalidRecord as error:
        label = raw.get("id") if isinstance(raw, dict) else None
        suffix = f" (paper {label})" if isinstance(label, str) else ""
        return Rejection(origin + suffix, str(error))


def looks_like(payload: Any) -> bool:
    """A JSON array of listing records (rather than JSON Lines) is accepted too."""
    return isinstance(payload, list) and all(
        isinstance(e, dict) and "id" in e and "title" in e and "paper" not in e for e in payload[:5]
    )
