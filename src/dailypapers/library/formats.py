"""Reading what reference managers export into entries to match: BibTeX (``bibtexparser``),
RIS (``rispy``, record by record), CSL-JSON (``json``) or a plain list of arXiv ids and URLs,
the format told by the content, never by the file's name. A malformed entry comes back marked
as such, so the others still import; a file that is not text, or in none of these formats, or
over the limits, is refused whole."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import bibtexparser
import numpy
import rispy
from bibtexparser import model

from dailypapers import arxiv_ids

# A BibTeX export of 5,000 papers with abstracts is about 5 MB: the largest library a person
# imports at once, read in memory in a few seconds.
MAX_BYTES = 5 * 1024 * 1024
# Entries of one file: a large personal library, and what one collection holds.
MAX_ENTRIES = 5000
NAME_LENGTH = 200  # of an entry's name in the report
# Braces nested deeper than this are no citation (real ones nest a few levels: {{NASA}} in a
# title); the parser's cost grows with the depth (2.5 million levels: 23 s), so deeper is
# refused before parsing.
MAX_BRACE_DEPTH = 100
# A share of control characters no text file has: the upload is binary.
BINARY_SHARE = 0.01

# Fields that name the paper's own identifiers (not its title, abstract or authors, which may
# mention another paper's id).
_TEXT_FIELDS = frozenset({"title", "abstract", "author", "authors", "keywords", "editor"})
_ARXIV_ANYWHERE = re.compile(
    r"arxiv\.org/(?:abs|pdf|html)/(?P<url>[^\s?#}\"'<>]+)"
    r"|10\.48550/arxiv\.(?P<doi>[^\s}\"'<>]+)"
    r"|arxiv\s*[:/]?\s*(?:e-?print\s*)?(?P<bare>\d{4}\.\d{4,5}(?:v\d+)?|[a-z-]+(?:\.[a-z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
_DOI = re.compile(r"\b10\.\d{4,9}/\S+", re.IGNORECASE)
_BIBTEX = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_RIS_START = re.compile(r"^\s*TY  - ", re.MULTILINE)
_RIS_END = re.compile(r"^ER  -.*$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters text files lack
_BIBTEX_KEY = re.compile(r"@\s*\w+\s*[{(]\s*([^,\s]{1,200})")


class UnreadableFile(ValueError):
    """The upload cannot be imported at all; the message says why."""


class NotText(UnreadableFile):
    """Binary data, or text in no encoding the formats use (UTF-8)."""


class UnknownFormat(UnreadableFile):
    """Text, but no BibTeX, RIS, CSL-JSON or list of arXiv ids."""


class TooLarge(UnreadableFile):
    """Over :data:`MAX_BYTES` or :data:`MAX_ENTRIES`."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of an import: ``name`` (its citation key, else its title) and what it is
    matched by; ``malformed`` says why it could not be read (then nothing else is set)."""

    name: str
    arxiv_id: str | None = None
    doi: str | None = None
    title: str = ""
    malformed: str | None = None


def arxiv_id_in(values: Iterable[str]) -> str | None:
    """The first arXiv id named in these values: an arXiv URL, arXiv's DOI, ``arXiv:ID``, or a
    value that is an id itself (``2401.01234``, ``hep-th/9901001``)."""
    for value in values:
        text = value.strip()
        if arxiv_ids.is_arxiv_id(text):
            return arxiv_ids.normalise(text)
        for match in _ARXIV_ANYWHERE.finditer(text):
            found = match["url"] or match["doi"] or match["bare"]
            found = found.removesuffix(".pdf").rstrip(".,;)")
            if arxiv_ids.is_arxiv_id(found):
                return arxiv_ids.normalise(found)
    return None


def _doi_in(values: Iterable[str]) -> str | None:
    for value in values:
        match = _DOI.search(value)
        if match:
            return match.group().rstrip(".,;}").lower()
    return None


def _entry(name: str, fields: Mapping[str, Any]) -> Entry:
    """An entry from a record's fields (any case; strings or lists of strings)."""
    ids: list[str] = []
    for key, value in fields.items():
        if str(key).lower() in _TEXT_FIELDS:
            continue
        ids.extend(v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str))
    title = next((fields[k] for k in fields if str(k).lower() in ("title", "primary_title")), "")
    title = title if isinstance(title, str) else ""
    label = name.strip() or " ".join(title.split()) or "an entry without key or title"
    label = _CONTROL.sub("", label)[:NAME_LENGTH]
    return Entry(label, arxiv_id_in(ids), _doi_in(ids), title)


def _text_of(data: bytes) -> str:
    if b"\x00" in data:
        raise NotText("the file is binary, not text: export BibTeX, RIS or CSL-JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotText("the file is not UTF-8 text: export BibTeX, RIS or CSL-JSON") from None
    controls = len(_BINARY.findall(text))
    if controls > BINARY_SHARE * max(len(text), 1):
        raise NotText("the file is binary, not text: export BibTeX, RIS or CSL-JSON")
    return text


def read(data: bytes) -> tuple[str, list[Entry]]:
    """(format name, entries) of an uploaded file. Raises NotText, UnknownFormat, TooLarge."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"the file is over {MAX_BYTES // (1024 * 1024)} MB: import it in parts")
    text = _text_of(data)
    start = text.lstrip()[:1]
    if start in ("[", "{"):
        fmt, entries = "CSL-JSON", _csl(text)
    elif _RIS_START.search(text):
        fmt, entries = "RIS", list(_ris(text))
    elif _BIBTEX.search(text):
        fmt, entries = "BibTeX", _bibtex(text)
    else:
        fmt, entries = "arXiv ids", _id_list(text)
    if len(entries) > MAX_ENTRIES:
        raise TooLarge(f"the file has over {MAX_ENTRIES:,} entries: import it in parts")
    return fmt, entries


def brace_depth(text: str) -> int:
    """How deep ``text``'s braces nest at most (counted in one pass over its bytes)."""
    codes = numpy.frombuffer(text.encode("utf-8"), dtype=numpy.uint8)
    steps = (codes == ord("{")).astype(numpy.int32) - (codes == ord("}")).astype(numpy.int32)
    return int(numpy.cumsum(steps).max(initial=0))


def _bibtex(text: str) -> list[Entry]:
    # Both refused before the parser's work: more blocks than the limit (with room for the
    # @string and @comment blocks of a real export), and braces nested past any citation's.
    if len(_BIBTEX.findall(text)) > MAX_ENTRIES + 1000:
        raise TooLarge(f"the file has over {MAX_ENTRIES:,} entries: import it in parts")
    if brace_depth(text) > MAX_BRACE_DEPTH:
        raise UnknownFormat(f"braces nest deeper than {MAX_BRACE_DEPTH} levels: no BibTeX does")
    library = bibtexparser.parse_string(text)
    entries = []
    for block in library.blocks:
        if isinstance(block, model.DuplicateBlockKeyBlock) and isinstance(
            block.ignore_error_block, model.Entry
        ):
            block = block.ignore_error_block
        if isinstance(block, model.Entry):
            fields = {f.key: f.value for f in block.fields if isinstance(f.value, str)}
            entries.append(_entry(block.key, fields))
        elif isinstance(block, model.ParsingFailedBlock):
            key = _BIBTEX_KEY.search(block.raw or "")
            name = key.group(1) if key else f"the entry at line {(block.start_line or 0) + 1}"
            entries.append(Entry(name[:NAME_LENGTH], malformed=_first_line(block.error)))
    return entries


def _first_line(error: Exception | None) -> str:
    message = str(error or "it could not be read").strip().splitlines()
    return f"malformed: {message[0] if message else 'it could not be read'}"[:300]


def _ris(text: str) -> Iterator[Entry]:
    position = 0
    for number, end in enumerate(_RIS_END.finditer(text), start=1):
        record = text[position : end.end()]
        position = end.end()
        if not _RIS_START.search(record):
            continue
        try:
            found = rispy.loads(record.strip() + "\n")
        except Exception as error:  # rispy raises plain exceptions of several kinds
            yield Entry(f"RIS record {number}", malformed=_first_line(error))
            continue
        for reference in found:
            yield _entry(str(reference.get("id") or ""), reference)
    if _RIS_START.search(text[position:]):
        yield Entry("the last RIS record", malformed="malformed: it has no end (ER  - )")


def _csl(text: str) -> list[Entry]:
    try:
        found = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise UnknownFormat(f"the file is not valid JSON ({error})") from None
    if isinstance(found, dict):
        found = found.get("items", [found])
    if not isinstance(found, list):
        raise UnknownFormat("CSL-JSON is a list of items")
    entries = []
    for number, item in enumerate(found, start=1):
        if not isinstance(item, dict):
            entries.append(Entry(f"item {number}", malformed="malformed: an item is an object"))
            continue
        key = item.get("id")
        entries.append(_entry(str(key) if isinstance(key, str | int) else "", item))
    return entries


def _id_list(text: str) -> list[Entry]:
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "%")):
            continue
        found = arxiv_id_in([line])
        name = line[:NAME_LENGTH]
        if found:
            entries.append(Entry(name, arxiv_id=found))
        else:
            entries.append(Entry(name, malformed="not an arXiv id or arXiv URL"))
    if not any(entry.arxiv_id for entry in entries):
        raise UnknownFormat(
            "the file is not BibTeX, RIS, CSL-JSON or a list of arXiv ids (one a line)"
        )
    return entries
