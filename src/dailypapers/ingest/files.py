"""Files and folders given to ``dailypapers import``: walk them, open (gzip or not), detect format.

Formats are told apart by content first (a file whose first line is an arXiv snapshot record is
a snapshot, whatever its name), then by name (``.jsonl`` is an arXiv listing, ``.json`` a
daily_papers response) and, for JSON, by a look at the content; a file of no known kind is a
Rejection naming it.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, AnyStr

from dailypapers.ingest.records import Rejection

SUFFIXES = (".json", ".json.gz", ".jsonl", ".jsonl.gz")


def open_text(path: Path) -> IO[str]:
    """Open a file for reading as UTF-8 text, transparently un-gzipping ``.gz`` files."""
    if path.name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def open_bytes(path: Path) -> IO[bytes]:
    """Open a file for reading as bytes (lines split on b"\\n"), un-gzipping ``.gz`` files."""
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under the given paths, in name order (feed days in date order), deduplicated."""
    seen: set[Path] = set()
    for path in paths:
        candidates = (
            sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(SUFFIXES))
            if path.is_dir()
            else [path]
        )
        for candidate in candidates:
            resolved = candidate.resolve()
            if resolved not in seen:
                seen.add(resolved)
                yield candidate


def kind_of(path: Path) -> str | None:
    """``"arxiv-listing"``, ``"upstream-daily"`` or None from the file name."""
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz")):
        return "arxiv-listing"
    if name.endswith((".json", ".json.gz")):
        return "upstream-daily"
    return None


def numbered_lines(
    path: Path, opener: Callable[[Path], IO[AnyStr]]
) -> Iterator[tuple[str, AnyStr] | Rejection]:
    """Each non-blank line of a file of one record a line, with its origin (``path line N``);
    a file that cannot be read to its end ends with a Rejection saying where it stopped."""
    line_number = 0
    try:
        with opener(path) as handle:
            for line_number, line in enumerate(handle, 1):
                if line.strip():
                    yield f"{path} line {line_number}", line
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as error:
        where = f"{path} after line {line_number}" if line_number else str(path)
        yield Rejection(where, f"cannot read this file: {error}")
