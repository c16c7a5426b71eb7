"""Papers as citations: BibTeX (written by ``bibtexparser``), RIS (by ``rispy``) and CSL-JSON
(CSL items as JSON), with arXiv's conventions: the eprint id, ``archivePrefix = {arXiv}``, the
primary category, arXiv's DOI ``10.48550/arXiv.ID``, the abstract page, the year and month of
the first version, authors as "Last, First", and citation keys such as
``vaswani2017attention``, unique within one export (later ones suffixed a, b, ...)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

import bibtexparser
import rispy
from bibtexparser import model

from dailypapers import arxiv_ids
from dailypapers.library.titles import ascii_words
from dailypapers.papers.records import Card

# Words a citation key skips to reach the title's first real word (Google Scholar's habit).
_SKIPPED = frozenset({"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "is"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})
# RIS has no type for a preprint: "unpublished work" is what reference managers read it as.
RIS_TYPE = "UNPB"
CSL_TYPE = "article"  # CSL 1.0.2's type for a preprint


def doi_of(arxiv_id: str) -> str:
    """arXiv's own DOI of a paper (DataCite registers one for every arXiv id)."""
    return f"10.48550/arXiv.{arxiv_id}"


def split_name(name: str) -> tuple[str, str]:
    """(family, given) of a name as arXiv lists it ("Ashish Vaswani", "Ludwig van Beethoven",
    "Vaswani, Ashish"); a one-word name is all family."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip()
    words = name.split(" ")
    suffix = [words.pop()] if len(words) > 2 and words[-1].lower() in _SUFFIXES else []
    if len(words) < 2:
        return name, ""
    start = len(words) - 1
    while start > 1 and words[start - 1][:1].islower():  # particles: van, de, von der ...
        start -= 1
    family = " ".join(words[start:] + suffix)
    return family, " ".join(words[:start])


def _first_version(card: Card) -> datetime | None:
    return card.published_at or card.created_at


def _key_base(card: Card) -> str:
    family = split_name(card.authors[0])[0] if card.authors else ""
    surname = "".join(ascii_words(family)) or "anon"
    when = _first_version(card)
    words = [w for w in ascii_words(card.title) if w not in _SKIPPED]
    return f"{surname}{when.year if when else ''}{words[0] if words else ''}"


def _suffix(n: int) -> str:
    """a, b, ... z, aa, ab, ... for the n-th repeat of a key (n from 0)."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def citation_keys(cards: Sequence[Card]) -> list[str]:
    """A key per card, in order: the first of a base as it is, repeats suffixed a, b, ..."""
    seen: dict[str, int] = {}
    taken: set[str] = set()
    keys = []
    for card in cards:
        base = _key_base(card)
        key = base
        while key in taken:
            key = base + _suffix(seen.get(base, 0))
            seen[base] = seen.get(base, 0) + 1
        taken.add(key)
        keys.append(key)
    return keys


def _keyed(cards: Sequence[Card]) -> Iterator[tuple[Card, str]]:
    """Each card with its citation key: every format writes an entry per pair."""
    return zip(cards, citation_keys(cards), strict=True)


def _balanced(text: str) -> str:
    """``text`` fit to sit between braces: unbalanced braces (rare in titles) dropped."""
    depth = 0
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            break
    if depth != 0:
        return text.replace("{", "").replace("}", "")
    return text


def _bib_name(name: str) -> str:
    family, given = split_name(name)
    if " and " in f" {family} ":
        family = "{" + family + "}"  # a name with "and" in it is one name, not two
    return f"{family}, {given}" if given else family


def _bib_entry(card: Card, key: str) -> model.Entry:
    when = _first_version(card)
    fields = [
        model.Field("title", _balanced(" ".join(card.title.split()))),
        model.Field("author", _balanced(" and ".join(_bib_name(n) for n in card.authors))),
    ]
    if when:
        fields.append(model.Field("year", str(when.year)))
        fields.append(model.Field("month", _MONTHS[when.month - 1], enclosing="no-enclosing"))
    fields += [
        model.Field("eprint", card.arxiv_id),
        model.Field("archivePrefix", "arXiv"),
    ]
    if card.primary_category:
        fields.append(model.Field("primaryClass", card.primary_category))
    fields += [
        model.Field("doi", doi_of(card.arxiv_id)),
        model.Field("url", arxiv_ids.abs_url(card.arxiv_id)),
    ]
    return model.Entry("misc", key, fields)


def bibtex(cards: Sequence[Card]) -> str:
    """The papers as one BibTeX file (``@misc`` entries, as arXiv's own export writes them)."""
    library = bibtexparser.Library()
    for card, key in _keyed(cards):
        library.add(_bib_entry(card, key))
    layout = bibtexparser.BibtexFormat()
    layout.indent = "  "
    layout.block_separator = "\n"
    return bibtexparser.write_string(library, bibtex_format=layout)


class _RisWriter(rispy.RisWriter):
    """rispy's writer without the "1." it numbers references with (not RIS: importers that
    read by tag skip it, stricter ones stop at it)."""

    def set_header(self, count: int) -> str:
        return ""


def _line(text: str) -> str:
    return " ".join((text or "").split())  # RIS is a tag per line


# The names RIS and CSL give what both say of a paper (see :func:`_said`), where not its own.
_RIS_NAMES = {"number": "accession_number", "categories": "keywords"}
_CSL_NAMES = {"doi": "DOI"}


def _said(card: Card, key: str, names: dict[str, str]) -> dict[str, Any]:
    """What RIS and CSL both say of a paper, under the format's ``names`` for them."""
    said = {
        "id": key,
        "title": _line(card.title),
        "publisher": "arXiv",
        "number": f"arXiv:{card.arxiv_id}",
        "doi": doi_of(card.arxiv_id),
        "categories": list(card.categories),
    }
    return {names.get(name, name): value for name, value in said.items()}


def _ris_reference(card: Card, key: str) -> dict[str, Any]:
    reference: dict[str, Any] = {
        "type_of_reference": RIS_TYPE,
        **_said(card, key, _RIS_NAMES),
        "authors": [_line(", ".join(p for p in split_name(n) if p)) for n in card.authors],
        "urls": [arxiv_ids.abs_url(card.arxiv_id)],
        "abstract": _line(card.abstract),
    }
    if when := _first_version(card):
        reference["year"] = str(when.year)
        reference["date"] = f"{when:%Y/%m/%d}"
    return reference


def ris(cards: Sequence[Card]) -> str:
    """The papers as one RIS file."""
    references = [_ris_reference(card, key) for card, key in _keyed(cards)]
    return rispy.dumps(references, implementation=_RisWriter)


def _csl_name(name: str) -> dict[str, str]:
    family, given = split_name(name)
    return {"family": family, "given": given} if given else {"literal": family}


def _csl_item(card: Card, key: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "type": CSL_TYPE,
        **_said(card, key, _CSL_NAMES),
        "author": [_csl_name(n) for n in card.authors],
        "abstract": card.abstract or "",
        "URL": arxiv_ids.abs_url(card.arxiv_id),
    }
    if when := _first_version(card):
        item["issued"] = {"date-parts": [[when.year, when.month, when.day]]}
    return item


def csl_items(cards: Sequence[Card]) -> list[dict[str, Any]]:
    """The papers as CSL items (CSL-JSON's data model)."""
    return [_csl_item(card, key) for card, key in _keyed(cards)]


def csl_json(cards: Sequence[Card]) -> str:
    return json.dumps(csl_items(cards), ensure_ascii=False, indent=2) + "\n"


# What each export is: its writer, its media type and the file name's extension.
FORMATS = {
    "bib": (bibtex, "application/x-bibtex"),
    "ris": (ris, "application/x-research-info-systems"),
    "json": (csl_json, "application/vnd.citationstyles.csl+json"),
}


def export(cards: Sequence[Card], fmt: str) -> tuple[str, str]:
    """(text, media type) of ``cards`` in format ``fmt`` (a key of FORMATS)."""
    write, media_type = FORMATS[fmt]
    return write(cards), media_type
