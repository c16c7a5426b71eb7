"""arXiv's OAI-PMH interface: ListRecords pages (and GetRecord) in the ``arXivRaw`` or ``arXiv``
format.

This module only fetches and parses; :mod:`dailypapers.ingest.harvest` keeps the resumption token
in the store after each page so an interrupted harvest resumes. The server's flow control (503
with Retry-After) is honoured by the :class:`~dailypapers.ingest.http.Fetcher`. An OAI error
becomes :class:`OaiError` naming code and message, except ``noRecordsMatch``, which is an empty
list (nothing changed in that window), and ``badResumptionToken``, raised as its own subclass so
the harvester can restart an expired window.

Formats: ``arXivRaw`` carries every version with its date (version = the latest, published = v1's
date, updated = the latest's) and authors as one string, "A, B and C", split here;
``arXiv`` carries structured authors (keyname, forenames, suffix) and only ``created`` /
``updated`` days. Names in both keep arXiv's TeX accents (``M\\"uller``), turned into Unicode.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from lxml import etree
from pylatexenc.latex2text import LatexNodes2Text

from dailypapers.config import Settings
from dailypapers.ingest import records
from dailypapers.ingest.http import Fetcher, SourceError
from dailypapers.ingest.records import Item, PaperRecord, Rejection

SOURCE = "oai-pmh"
OAI = "http://www.openarchives.org/OAI/2.0/"
FORMATS = {"arXivRaw": "http://arxiv.org/OAI/arXivRaw/", "arXiv": "http://arxiv.org/OAI/arXiv/"}
IDENTIFIER_PREFIX = "oai:arXiv.org:"
# What each OAI-PMH 2.0 error code means, for messages a person can act on.
ERRORS = {
    "badArgument": "the request has an illegal or missing argument",
    "badResumptionToken": "the resumption token is invalid or expired",
    "badVerb": "the verb is not an OAI-PMH verb",
    "cannotDisseminateFormat": "the repository does not offer this metadata format",
    "idDoesNotExist": "no such identifier in the repository",
    "noMetadataFormats": "no metadata formats for this item",
    "noRecordsMatch": "no records match the request",
    "noSetHierarchy": "the repository does not support sets",
}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_LATEX = LatexNodes2Text()


class OaiError(SourceError):
    """An OAI-PMH error answer: ``code`` (e.g. ``badArgument``) and the server's message."""

    def __init__(self, code: str, message: str, url: str):
        self.code = code
        self.message = message
        self.url = url
        meaning = ERRORS.get(code, "unknown error code")
        super().__init__(f"OAI-PMH error {code} ({meaning}): {message} [{url}]")


class BadResumptionToken(OaiError):
    """The resumption token expired or is unknown: the window has to start over."""


@dataclass
class Page:
    url: str
    items: list[Item]
    token: str | None  # None: the list is complete
    complete_size: int | None = None
    cursor: int | None = None


def fetcher(settings: Settings, **kwargs) -> Fetcher:
    return Fetcher(settings, **kwargs)


def list_records(
    settings: Settings,
    http: Fetcher,
    *,
    prefix: str,
    set_spec: str | None = None,
    from_: date | None = None,
    until: date | None = None,
    token: str | None = None,
) -> Iterator[Page]:
    """ListRecords page by page; with ``token``, continue an earlier list from there."""
    if token:
        params = {"verb": "ListRecords", "resumptionToken": token}
    else:
        params = {"verb": "ListRecords", "metadataPrefix": prefix}
        if from_:
            params["from"] = from_.isoformat()
        if until:
            params["until"] = until.isoformat()
        if set_spec:
            params["set"] = set_spec
    while True:
        page = fetch_page(settings, http, params)
        yield page
        if not page.token:
            return
        params = {"verb": "ListRecords", "resumptionToken": page.token}


def get_record(
    settings: Settings, arxiv_id: str, *, prefix: str = "arXivRaw", using: Fetcher | None = None
) -> Item | None:
    """One paper by arXiv id (None when it was deleted)."""
    params = {
        "verb": "GetRecord",
        "identifier": IDENTIFIER_PREFIX + arxiv_id,
        "metadataPrefix": prefix,
    }
    http = using or fetcher(settings)
    try:
        page = fetch_page(settings, http, params)
    finally:
        if using is None:
            http.close()
    return page.items[0] if page.items else None


def fetch_page(settings: Settings, http: Fetcher, params: dict[str, str]) -> Page:
    response = http.get(settings.oai_pmh_url, params)
    url = str(response.url)
    try:
        root = etree.fromstring(response.content, _PARSER)
    except etree.XMLSyntaxError as error:
        if response.status_code != 200:
            raise SourceError(f"{url}: HTTP {response.status_code}") from None
        raise SourceError(f"{url}: the answer is not OAI-PMH XML ({error})") from None
    return parse_page(root, url, response.status_code)


def parse_page(root: etree._Element, url: str, status: int = 200) -> Page:
    error = root.find(f"{{{OAI}}}error")
    if error is not None:
        code = error.get("code", "")
        message = " ".join((error.text or "").split())
        if code == "noRecordsMatch":
            return Page(url=url, items=[], token=None, complete_size=0)
        raise (BadResumptionToken if code == "badResumptionToken" else OaiError)(code, message, url)
    if status != 200 or root.tag != f"{{{OAI}}}OAI-PMH":
        raise SourceError(f"{url}: HTTP {status}, not an OAI-PMH answer")
    items = []
    for record in root.iterfind(f".//{{{OAI}}}record"):
        item = parse_record(record, url)
        if item is not None:
            items.append(item)
    token_element = root.find(f".//{{{OAI}}}resumptionToken")
    token = complete = cursor = None
    if token_element is not None:
        token = (token_element.text or "").strip() or None
        complete = _int(token_element.get("completeListSize"))
        cursor = _int(token_element.get("cursor"))
    return Page(url=url, items=items, token=token, complete_size=complete, cursor=cursor)


def parse_record(record: etree._Element, url: str) -> Item | None:
    """One ``<record>`` as a PaperRecord or a Rejection; None for a deleted record."""
    header = record.find(f"{{{OAI}}}header")
    identifier = header.findtext(f"{{{OAI}}}identifier", "").strip() if header is not None else ""
    origin = f"{url} record {identifier or '(no identifier)'}"
    if header is not None and header.get("status") == "deleted":
        return None
    metadata = record.find(f"{{{OAI}}}metadata")
    try:
        if metadata is None or len(metadata) == 0:
            raise records.InvalidRecord("record has no metadata")
        body = metadata[0]
        if body.tag == f"{{{FORMATS['arXivRaw']}}}arXivRaw":
            return _parse_raw(body, origin)
        if body.tag == f"{{{FORMATS['arXiv']}}}arXiv":
            return _parse_arxiv(body, origin)
        raise records.InvalidRecord(f"unsupported metadata format {etree.QName(body).localname!r}")
    except records.InvalidRecord as error:
        return Rejection(origin, str(error))


def _parse_raw(body: etree._Element, origin: str) -> PaperRecord:
    ns = FORMATS["arXivRaw"]
    arxiv_id, _ = records.parse_arxiv_id(body.findtext(f"{{{ns}}}id"))
    versions: list[tuple[int, datetime]] = []
    for element in body.iterfind(f"{{{ns}}}version"):
        label = element.get("version", "")
        if not re.fullmatch(r"v\d+", label):
            raise records.InvalidRecord(f"version {label!r} is not vN")
        versions.append((int(label[1:]), _rfc822(element.findtext(f"{{{ns}}}date"), label)))
    versions.sort()
    return PaperRecord(
        arxiv_id=arxiv_id,
        version=versions[-1][0] if versions else None,
        title=records.clean_line(body.findtext(f"{{{ns}}}title"), "title"),
        abstract=records.clean_text(body.findtext(f"{{{ns}}}abstract"), "abstract"),
        authors=records.clean_authors(split_authors(body.findtext(f"{{{ns}}}authors") or "")),
        categories=records.clean_categories(body.findtext(f"{{{ns}}}categories")),
        comment=_comment(body.findtext(f"{{{ns}}}comments")),
        published_at=versions[0][1] if versions else None,
        updated_at=versions[-1][1] if versions else None,
        source=SOURCE,
        origin=origin,
    )


def _parse_arxiv(body: etree._Element, origin: str) -> PaperRecord:
    ns = FORMATS["arXiv"]
    arxiv_id, version = records.parse_arxiv_id(body.findtext(f"{{{ns}}}id"))
    names = []
    for author in body.iterfind(f"{{{ns}}}authors/{{{ns}}}author"):
        parts = [author.findtext(f"{{{ns}}}{part}") for part in ("forenames", "keyname", "suffix")]
        names.append(_unicode_name(" ".join(p.strip() for p in parts if p and p.strip())))
    created = records.parse_time(body.findtext(f"{{{ns}}}created"), "created")
    return PaperRecord(
        arxiv_id=arxiv_id,
        version=version,
        title=records.clean_line(body.findtext(f"{{{ns}}}title"), "title"),
        abstract=records.clean_text(body.findtext(f"{{{ns}}}abstract"), "abstract"),
        authors=records.clean_authors(names),
        categories=records.clean_categories(body.findtext(f"{{{ns}}}categories")),
        comment=_comment(body.findtext(f"{{{ns}}}comments")),
        published_at=created,
        updated_at=records.parse_time(body.findtext(f"{{{ns}}}updated"), "updated") or created,
        source=SOURCE,
        origin=origin,
    )


def split_authors(text: str) -> list[str]:
    """arXivRaw's author string as ordered names.

    "A, B and C", "A, B, and C" (Oxford comma) and "A and B" all split; commas or "and" inside
    parentheses (affiliations, "(1) and (2)") do not, and the parenthesised affiliations are
    dropped; "Jr." and the like stay with the name before them.
    """
    text = " ".join(text.split())
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    position = 0

    def cut() -> None:
        piece = "".join(current)
        current.clear()
        while True:  # innermost parentheses first, so nested ones go too
            stripped = re.sub(r"\s*\([^()]*\)", "", piece)
            if stripped == piece:
                break
            piece = stripped
        piece = piece.strip()
        if piece.lower() in _NAME_SUFFIXES and pieces:
            pieces[-1] = f"{pieces[-1]} {piece}"
        elif piece:
            pieces.append(piece)

    while position < len(text):
        char = text[position]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(depth - 1, 0)
        if depth == 0 and char in ",;":
            cut()
            position += 1
            continue
        if depth == 0 and text.startswith(" and ", position):
            cut()
            position += 5
            continue
        current.append(char)
        position += 1
    cut()
    return [_unicode_name(p) for p in pieces]


def _unicode_name(name: str) -> str:
    """TeX accents and braces (``M\\"{u}ller``, ``{\\AA}ke``) as Unicode."""
    if "\\" in name or "{" in name:
        name = _LATEX.latex_to_text(name)
    return " ".join(name.split())


def _rfc822(value: str | None, label: str) -> datetime:
    try:
        when = parsedate_to_datetime((value or "").strip())
    except (TypeError, ValueError):
        raise records.InvalidRecord(f"date of {label} is not a date: {value!r:.40}") from None
    return records.in_utc(when, f"date of {label}")


def _comment(value: str | None) -> str | None:
    return records.clean_line(value, "comments", required=False, limit=records.MAX_ABSTRACT) or None


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
