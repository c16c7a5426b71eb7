"""The search query language, parsed into a structure no backend syntax can leak through.

Syntax (documented on the search page):

- ``word`` plain terms, ranked by BM25: papers with more of them, and rarer ones, come first;
  none is required (stemmed: ``models`` finds ``model``); ``transform*`` matches words starting
  with ``transform``;
- ``"exact phrase"`` words in this order: papers having the phrase rank first, then papers
  having its words (an unclosed quote runs to the end of the query);
- ``+word`` / ``+"a phrase"`` required: only papers having it;
- ``-word`` / ``-"a phrase"`` / ``-au:name`` exclusion;
- ``ti:word``, ``au:name``, ``abs:word`` (also ``ti:"a phrase"``) restrict a term to the title,
  the authors or the abstract, and require it;
- ``cat:cs.CL`` a category, ``cat:cs`` every category of an archive; several ``cat:`` mean any;
- ``from:2025-06-01`` and ``to:2025-06-30`` a date range, inclusive; ``YYYY`` and ``YYYY-MM`` work
  too (``to:2025-06`` is up to June 30th);
- an arXiv id (``2401.01234``, ``2401.01234v2``, ``hep-th/9901001``, ``arXiv:...``) or an
  arxiv.org / paper-page URL alone is a direct hit, shown first.

Only word characters (``\\w``, any script) reach the index: quotes, ``*`` ``^`` ``:`` ``(`` ``)``,
``NEAR``, SQL fragments and emoji become plain words or vanish, so no input raises.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date

from dailypapers import arxiv_ids

MAX_QUERY = 2_000  # characters read; the rest is ignored
MAX_TERMS = 24  # keyword terms kept (longer queries still feed the semantic side in full)
MIN_PREFIX = 3

FIELDS = {
    "ti": "title",
    "title": "title",
    "au": "authors",
    "author": "authors",
    "authors": "authors",
    "abs": "abstract",
    "abstract": "abstract",
}
FILTERS = {"cat": "cat", "category": "cat", "from": "from", "to": "to"}

# Dropped from unquoted terms on the keyword side (they match nearly every paper), never from
# phrases. PostgreSQL's English configuration drops the same kind of words itself.
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "paper",
        "papers",
        "using",
        "via",
    ]
)

_TOKEN = re.compile(
    r'(?:(?P<neg>-)|(?P<req>\+))?(?:(?P<field>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)(?:"|$)|(?P<word>[^\s"]+))'
)
_WORD = re.compile(r"\w+")
_CATEGORY = re.compile(r"^[A-Za-z][A-Za-z-]*(?:\.[A-Za-z-]+)?$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class Term:
    """Words that must appear together (one word, or a phrase), optionally in one field."""

    words: tuple[str, ...]
    field: str | None = None  # None (any), "title", "authors" or "abstract"
    prefix: bool = False  # last word is a prefix
    quoted: bool = False  # written in quotes: words in this order
    required: bool = False  # written with ``+``: only papers having it

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def strict(self) -> bool:
        """A constraint the reader asked for explicitly (``+`` or a field): a filter, not a
        ranking hint."""
        return self.required or self.field is not None


@dataclass
class Query:
    raw: str
    include: list[Term] = field(default_factory=list)
    exclude: list[Term] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    arxiv_id: str | None = None  # a direct hit candidate
    semantic_text: str = ""  # what the embedder sees
    notes: list[str] = field(default_factory=list)  # problems worth telling the reader

    @property
    def has_filters(self) -> bool:
        return bool(self.categories or self.date_from or self.date_to)

    @property
    def is_empty(self) -> bool:
        return not (self.include or self.exclude or self.has_filters or self.arxiv_id)

    def highlight_words(self) -> list[tuple[str, bool]]:
        """(word, is_prefix) of the positive terms, for highlighting."""
        words = []
        for term in self.include:
            if term.field == "authors":
                continue
            for position, word in enumerate(term.words):
                words.append((word, term.prefix and position == len(term.words) - 1))
        return words


def parse(raw: str | None) -> Query:
    """Parse user input; never raises."""
    text = (raw or "")[:MAX_QUERY]
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    query = Query(raw=text)
    if not text:
        return query
    if " " not in text and arxiv_ids.is_arxiv_id(text):
        query.arxiv_id = arxiv_ids.normalise(text)
        return query
    # Spans of the text the embedder sees otherwise: filters, exclusions and author terms
    # removed, field names and ``+`` left out of the others.
    rewritten: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(text):
        negative = bool(match["neg"])
        name = (match["field"] or "").lower()
        value = match["phrase"] if match["phrase"] is not None else (match["word"] or "")
        quoted = match["phrase"] is not None
        if name in FILTERS or negative or FIELDS.get(name) == "authors":
            rewritten.append((*match.span(), ""))
        elif name in FIELDS or match["req"]:
            body = match.group()[
                len(match["req"] or "") + (len(name) + 1 if name in FIELDS else 0) :
            ]
            rewritten.append((*match.span(), body))
        if name in FILTERS:
            if negative:
                query.notes.append(f"-{name}: is not supported; that part was ignored")
            else:
                _apply_filter(query, FILTERS[name], value)
            continue
        if name and name not in FIELDS and name not in FILTERS:
            value = f"{match['field']} {value}"  # "foo:bar" is just text
        prefix = not quoted and value.endswith("*")
        words = tuple(w.lower() for w in _WORD.findall(value))
        if not words:
            continue
        term = Term(
            words,
            FIELDS.get(name),
            prefix and len(words[-1]) >= MIN_PREFIX,
            quoted,
            required=bool(match["req"]),
        )
        if negative:
            query.exclude.append(term)
            continue
        query.include.append(term)
    query.include = _drop_stop_words(query.include)[:MAX_TERMS]
    query.exclude = query.exclude[:MAX_TERMS]
    query.semantic_text = _as_typed(text, rewritten)
    return query


def _as_typed(text: str, rewritten: list[tuple[int, int, str]]) -> str:
    """The query as the reader typed it, punctuation and quotes kept (the embedder reads them
    as it read its training text), with ``rewritten`` spans replaced."""
    kept, cursor = [], 0
    for start, end, replacement in rewritten:
        kept.append(text[cursor:start] + replacement)
        cursor = end
    kept.append(text[cursor:])
    return " ".join("".join(kept).split())


def _drop_stop_words(terms: list[Term]) -> list[Term]:
    kept = [t for t in terms if t.is_phrase or t.strict or t.prefix or t.words[0] not in STOP_WORDS]
    return kept if kept else [t for t in terms if t.is_phrase or t.strict or t.prefix]


def _apply_filter(query: Query, kind: str, value: str) -> None:
    """Apply ``cat:`` / ``from:`` / ``to:``; a value that is not one becomes a note."""
    value = value.strip()
    if kind == "cat":
        if not _CATEGORY.match(value):
            query.notes.append(f"“{value}” is not a category (e.g. cat:cs.CL or cat:cs)")
            return
        if value.lower() not in (c.lower() for c in query.categories):
            query.categories.append(value)
        return
    day = _parse_day(value, end=kind == "to")
    if day is None:
        query.notes.append(f"“{value}” is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    elif kind == "from":
        query.date_from = day
    else:
        query.date_to = day


def _parse_day(value: str, *, end: bool) -> date | None:
    match = _DATE.match(value)
    if not match:
        return None
    year = int(match[1])
    month = int(match[2]) if match[2] else (12 if end else 1)
    try:
        if match[3]:
            return date(year, month, int(match[3]))
        if not 1 <= month <= 12 or not year >= 1:
            return None
        return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    except ValueError:
        return None
