"""arXiv metadata snapshot lines (the Kaggle dump's layout) made from the real recorded data: the
arXiv API's answers (../shared/data/fixtures/arxiv-api), listing days and upstream feed days.
The tests write them to tmp_path; ``python -m bench bulk`` writes millions of them."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from lxml import etree

from dailypapers.ingest import arxiv_api
from dailypapers.ingest.records import PaperRecord


def created(moment: datetime) -> str:
    """A version's date as the snapshot writes it: "Mon, 2 Apr 2007 19:18:42 GMT"."""
    moment = moment.astimezone(UTC)
    return f"{moment:%a}, {moment.day} {moment:%b %Y %H:%M:%S} GMT"


def parsed_name(name: str) -> list[str]:
    """A name as the snapshot's ``authors_parsed`` holds it: [last, first, suffix]."""
    first, _, last = name.rpartition(" ")
    return [last, first, ""]


def snapshot_object(
    arxiv_id: str,
    *,
    title: str,
    abstract: str,
    authors: list[str],
    categories: list[str],
    versions: list[datetime],
    comment: str | None = None,
) -> dict[str, Any]:
    """One snapshot record; ``versions`` are the creation times of v1, v2, ..."""
    return {
        "id": arxiv_id,
        "submitter": authors[0] if authors else None,
        "authors": ", ".join(authors),
        "title": title,
        "comments": comment,
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": " ".join(categories),
        "license": None,
        "abstract": abstract,
        "versions": [
            {"version": f"v{n}", "created": created(moment)} for n, moment in enumerate(versions, 1)
        ],
        "update_date": versions[-1].date().isoformat() if versions else None,
        "authors_parsed": [parsed_name(name) for name in authors],
    }


def from_record(record: PaperRecord) -> dict[str, Any]:
    """The snapshot record of a paper the arXiv API described: v1 on its first-version date, the
    latest (its version) on its last-updated date, any between on the first-version date."""
    count = record.version or 1
    first = record.published_at or datetime(2020, 1, 1, tzinfo=UTC)
    versions = [first] * (count - 1) + [record.updated_at or first] if count > 1 else [first]
    return snapshot_object(
        record.arxiv_id,
        title=record.title,
        abstract=record.abstract,
        authors=record.authors,
        categories=record.categories,
        versions=versions,
        comment=record.comment,
    )


def api_records(path: Path) -> list[PaperRecord]:
    """The papers of one recorded arXiv API answer, as the API source reads them."""
    body = json.loads(path.read_text())["body"]
    root = etree.fromstring(body.encode())
    entries = root.findall("atom:entry", arxiv_api.NS)
    items = [arxiv_api.parse_entry(entry, str(path)) for entry in entries]
    return [item for item in items if isinstance(item, PaperRecord)]


def from_listing(raw: dict[str, Any], day: date) -> dict[str, Any]:
    """A listing record (which carries no dates) as a snapshot record created on its day."""
    return snapshot_object(
        raw["id"],
        title=raw["title"],
        abstract=raw.get("summary") or "",
        authors=raw.get("authors") or [],
        categories=raw.get("categories") or [],
        versions=[datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=17)],
        comment=raw.get("comment"),
    )


def from_upstream(entry: dict[str, Any]) -> dict[str, Any]:
    """An upstream feed entry's paper as a snapshot record."""
    paper = entry["paper"]
    published = datetime.fromisoformat(paper["publishedAt"].replace("Z", "+00:00"))
    return snapshot_object(
        paper["id"],
        title=paper["title"],
        abstract=paper.get("summary") or "",
        authors=[a["name"] for a in paper.get("authors") or [] if a.get("name")],
        categories=[],
        versions=[published],
    )


def real_objects(data: Path) -> Iterator[dict[str, Any]]:
    """Every listing paper, then every upstream paper, as snapshot records (repeats included)."""
    for path in sorted((data / "arxiv-listings").glob("*.jsonl.gz")):
        day = date.fromisoformat(path.name[:10])
        with gzip.open(path, "rt") as lines:
            for line in lines:
                if line.strip():
                    yield from_listing(json.loads(line), day)
    for path in sorted((data / "hf-daily-papers").glob("*.json.gz")):
        for entry in json.loads(gzip.decompress(path.read_bytes())):
            yield from_upstream(entry)


def write_lines(path: Path, objects: Iterable[dict[str, Any] | str]) -> Path:
    """``objects`` (records, or lines as they are) one a line, gzipped when the name says so."""
    text = "".join((o if isinstance(o, str) else json.dumps(o)) + "\n" for o in objects)
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path
