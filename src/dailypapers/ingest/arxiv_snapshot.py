"""The arXiv metadata snapshot (Kaggle's ``arxiv-metadata-oai-snapshot.json``): JSON Lines of
``{id, submitter, authors, authors_parsed, title, comments, journal-ref, doi, report-no,
categories, license, abstract, versions, update_date}``, one object per paper.

A file is a snapshot by its content, whatever its name says (``.json`` or ``.jsonl``, gzipped or
not): its first line is an object with ``id`` and ``versions``. Names come from
``authors_parsed`` (``[last, first, suffix]``) with TeX accents decoded (``Bal\\'azs`` is
``Balázs``), the first and latest version dates and the latest version number from ``versions``,
every category from the space-separated ``categories``. Lines are read one at a time, so a
snapshot of millions of papers streams; a broken line is a Rejection naming file and line, and
reading goes on.
"""

from __future__ import annotations

import calendar
import json
import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import orjson

from dailypapers.ingest import records
from dailypapers.ingest.files import numbered_lines, open_bytes
from dailypapers.ingest.records import InvalidRecord, Item, PaperRecord, Rejection
from dailypapers.name_keys import decode_tex

SOURCE = "arxiv-snapshot"
# A snapshot record is a few KB; the first line of a one-line daily_papers response may be
# megabytes, and no more than this is read of it to tell the two apart.
SNIFF_LIMIT = 1 << 16
_VERSION = re.compile(r"^v(\d+)$")
_MONTHS = dict(zip(calendar.month_abbr[1:], range(1, 13), strict=True))  # "Jan": 1 ...
# The plain author list, when a record has no parsed one: "A. One, B. Two and C. Three".
_AUTHOR_SEPARATOR = re.compile(r",\s*|\s+and\s+")


def is_snapshot(path: Path) -> bool:
    """Whether ``path`` reads as a snapshot: its first line an object with id and versions."""
    try:
        with open_bytes(path) as handle:
            first = handle.readline(SNIFF_LIMIT)
    except (OSError, EOFError, zlib.error):
        return False
    if not first.lstrip().startswith(b"{"):
        return False
    try:
        raw = _loads(first)
    except ValueError:
        return False
    return isinstance(raw, dict) and "id" in raw and "versions" in raw


def read_file(path: Path) -> Iterator[Item]:
    for found in numbered_lines(path, open_bytes):
        if isinstance(found, Rejection):
            yield found
            continue
        origin, line = found
        try:
            raw = _loads(line)
        except ValueError as error:
            yield Rejection(origin, f"not valid JSON: {error}")
            continue
        yield parse_object(raw, origin)


def _loads(line: bytes) -> Any:
    """One line's JSON: orjson (fast), or the standard parser for what orjson refuses but JSON
    allows (a lone surrogate escape, which validation then makes storable)."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        try:
            return json.loads(line)
        except json.JSONDecodeError as error:
            raise ValueError(f"{error.msg} at column {error.colno}") from None
        except UnicodeDecodeError:
            raise ValueError("the line is not UTF-8") from None


def parse_object(raw: Any, origin: str) -> Item:
    """One snapshot record as a PaperRecord, or a Rejection saying what is wrong with it."""
    try:
        if not isinstance(raw, dict):
            raise InvalidRecord("record is not a JSON object")
        arxiv_id, version = records.parse_arxiv_id(raw.get("id"))
        versions = _versions(raw.get("versions"))
        first, latest = (versions[0], versions[-1]) if versions else ((None, None), (None, None))
        return PaperRecord(
            arxiv_id=arxiv_id,
            version=latest[0] or version,
            title=records.clean_line(raw.get("title"), "title"),
            abstract=records.clean_text(raw.get("abstract"), "abstract"),
            authors=records.clean_authors(_names(raw)),
            categories=records.clean_categories(raw.get("categories")),
            comment=records.clean_line(
                raw.get("comments"), "comments", required=False, limit=records.MAX_ABSTRACT
            )
            or None,
            published_at=first[1],
            updated_at=latest[1],
            source=SOURCE,
            origin=origin,
        )
    except InvalidRecord as error:
        label = raw.get("id") if isinstance(raw, dict) else None
        suffix = f" (paper {label})" if isinstance(label, str) else ""
        return Rejection(origin + suffix, str(error))


def _versions(value: Any) -> list[tuple[int, datetime]]:
    """(number, when created) of each version, oldest number first."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidRecord(f"versions is not a list: {value!r:.60}")
    found = []
    for entry in value:
        if not isinstance(entry, dict):
            raise InvalidRecord(f"a version is not an object: {entry!r:.60}")
        label, created = entry.get("version"), entry.get("created")
        match = _VERSION.match(label) if isinstance(label, str) else None
        if match is None:
            raise InvalidRecord(f"version is not vN: {label!r:.20}")
        number = int(match.group(1))
        records.check_count(number, "version")
        found.append((number, _created(created)))
    return sorted(found, key=lambda version: version[0])


def _created(value: Any) -> datetime:
    """A version's ``created`` (RFC 2822, "Mon, 2 Apr 2007 19:18:42 GMT") as a UTC time."""
    if not isinstance(value, str):
        raise InvalidRecord(f"version date is not text: {value!r:.40}")
    try:
        moment = _gmt(value) or parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        raise InvalidRecord(f"version date is not an RFC 2822 date: {value!r:.40}") from None
    return records.in_utc(moment, "version date")


def _gmt(value: str) -> datetime | None:
    """The snapshot's own layout ("Mon, 2 Apr 2007 19:18:42 GMT") read directly, a few times
    faster than the general RFC 2822 parser; None for anything else."""
    parts = value.split()
    if len(parts) != 6 or parts[5] != "GMT" or parts[2] not in _MONTHS:
        return None
    hour, minute, second = parts[4].split(":")
    return datetime(
        int(parts[3]), _MONTHS[parts[2]], int(parts[1]), int(hour), int(minute), int(second),
        tzinfo=UTC,
    )  # fmt: skip


def _names(raw: dict[str, Any]) -> list[str]:
    """The authors as "First Last Suffix", from ``authors_parsed`` (else the plain list)."""
    parsed = raw.get("authors_parsed")
    if not parsed:
        plain = raw.get("authors")
        if not isinstance(plain, str):
            return []
        return [decode_tex(n.strip()) for n in _AUTHOR_SEPARATOR.split(plain) if n.strip()]
    if not isinstance(parsed, list):
        raise InvalidRecord(f"authors_parsed is not a list: {parsed!r:.60}")
    names = []
    for position, parts in enumerate(parsed, 1):
        if not isinstance(parts, list):
            raise InvalidRecord(f"author {position} is not a list of name parts")
        try:  # first, last, suffix: joined and split, so empty parts and spacing drop out
            words = " ".join([*parts[1:2], *parts[:1], *parts[2:]]).split()
        except TypeError:
            raise InvalidRecord(f"author {position} is not a list of name parts") from None
        if words:  # a parsed entry of no parts at all names no one
            names.append(decode_tex(" ".join(words)))
    return names
