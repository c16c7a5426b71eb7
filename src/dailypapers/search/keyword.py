"""Keyword search: a parsed query ranked by BM25 in the keyword index, or matched in the store.

Ranking (``sort="relevance"``) happens in the keyword index (:mod:`search.textindex`): every
plain word counts (OR, weighted by its rarity), a phrase ranks the papers having it first and
its words still count, and only what the reader made strict (``+word``, a field term such as
``au:``, exclusions and filters) removes papers. So a query whose words occur in some paper
never comes back empty; when a quoted phrase occurs nowhere, the result says so.

Two recognitions, both looked up in the index rather than guessed: a query that is exactly
somebody's name puts that author's papers first (they are ``exact``: hybrid search keeps them
on top), and a query that is exactly a category id (``cs.RO``) is searched as that category.

The store's full-text index (FTS5 / tsvector) answers what it is good at: every word required,
in date or upvote order, and the fallback while the keyword index is being built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Connection
from tantivy import Occur
from tantivy import Query as EngineQuery

from dailypapers.days import day_number
from dailypapers.name_keys import name_key
from dailypapers.search.query import STOP_WORDS, Query, Term
from dailypapers.search.textindex import Filters as IndexFilters
from dailypapers.search.textindex import TextIndex
from dailypapers.store import search as search_store

FTS_COLUMNS = {"title": "title", "authors": "authors", "abstract": "abstract"}
PG_WEIGHTS = {"title": "A", "authors": "B", "abstract": "C"}
# A phrase's papers rank above those having its words apart: the reader wrote them together.
PHRASE_BOOST = 3.0
# Added to the BM25 score of an exact match (the author named, the category named): larger
# than any query's BM25 score, so these papers come first and keep their BM25 order.
EXACT_BONUS = 1_000.0
# Up to this many words, a query is taken word for word: papers having all of them are its
# exact matches (a name, a rare term, a method); longer ones are descriptions.
SHORT_QUERY = 3
_CATEGORY_ID = re.compile(r"^[a-z][a-z-]*\.[a-z-]+$", re.IGNORECASE)


@dataclass
class KeywordResult:
    hits: list[tuple[int, float]]  # (paper id, score), best first
    total: int
    exact: set[int] = field(default_factory=set)  # hits matching the query exactly
    notices: list[str] = field(default_factory=list)


def _quoted(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"'


def _clause(term: Term) -> str:
    """One term as tantivy query text; words are ``\\w+`` runs, always quoted."""
    body = _quoted(term.words)
    if term.field:
        body = f"{term.field}:{body}"
    return ("+" if term.strict else "") + body


@dataclass
class EngineQueries:
    """A query as the index runs it: ``words`` scores every paper having any word (a flat
    union, which block-max WAND prunes), ``phrases`` the papers having a phrase, scored with
    the phrase's boost on top of their words. Ranking both and keeping each paper's higher
    score ranks exactly as one query would, at the cost of two fast ones."""

    words: EngineQuery
    phrases: EngineQuery | None


def engine_queries(
    index: TextIndex, query: Query, bonus: EngineQuery | None = None
) -> EngineQueries:
    """The ranked queries: strict terms required, the rest scored, exclusions removed;
    ``bonus`` (a scored clause) is added to every paper matching it."""
    words: list[str] = []
    for term in query.include:
        if not term.strict and not term.prefix:
            words.extend(w for w in term.words if w not in words and w not in STOP_WORDS)
    text = [_clause(t) for t in query.include if t.strict and not t.prefix]
    text += [_quoted((w,)) for w in words]
    clauses = [(Occur.Must, index.parse(" ".join(text)))] if text else []
    for term in query.include:
        stem = index.stems(term.words[-1], term.field or "text") if term.prefix else []
        if stem:
            occur = Occur.Must if term.strict else Occur.Should
            clauses.append((occur, index.prefix(stem[0], term.field or "text")))
    if len(clauses) > 1 and not any(t.strict and not t.prefix for t in query.include):
        clauses[0] = (Occur.Should, clauses[0][1])  # a word or a prefix, neither required
    if bonus is not None and clauses:
        clauses.append((Occur.Should, bonus))
    if query.exclude:
        excluded = " ".join(
            (f"{t.field}:" if t.field else "") + _quoted(t.words) for t in query.exclude
        )
        clauses.append((Occur.MustNot, index.parse(excluded)))
    base = _combined(clauses)
    # Quoted phrases only: a hyphenated compound ("LLM-based") counts as its words, since
    # checking positions of two common words in every paper having both is the slow query.
    phrases = [t for t in query.include if t.quoted and t.is_phrase and not t.strict]
    if not phrases:
        return EngineQueries(base, None)
    having = index.parse(" ".join(f"{_quoted(t.words)}^{PHRASE_BOOST}" for t in phrases))
    if not any(occur is not Occur.MustNot for occur, _ in clauses):
        return EngineQueries(base, _combined([(Occur.Must, having), *clauses]))
    return EngineQueries(
        base, EngineQuery.boolean_query([(Occur.Must, having), (Occur.Must, base)])
    )


def _combined(clauses: list) -> EngineQuery:
    if not any(occur is not Occur.MustNot for occur, _ in clauses):
        return EngineQuery.empty_query()
    if len(clauses) == 1:
        return clauses[0][1]
    return EngineQuery.boolean_query(clauses)


def index_filters(filters: search_store.Filters) -> IndexFilters:
    return IndexFilters(
        day_number(filters.date_from) if filters.date_from else None,
        day_number(filters.date_to) if filters.date_to else None,
        list(filters.categories),
        list(filters.exclude_ids),
    )


def recognised_category(index: TextIndex, query: Query) -> str | None:
    """The category a query names when it is nothing but a category id the index holds (the
    caller then searches it as ``cat:``)."""
    if len(query.include) != 1 or query.include[0].strict or query.include[0].prefix:
        return None
    words = query.raw.strip()
    if not _CATEGORY_ID.match(words):
        return None
    return words if index.document_frequency("category", words.lower()) else None


def recognised_author(index: TextIndex, query: Query) -> str | None:
    """The folded name of an author the query names in full (two words or more, nothing else)."""
    if not 2 <= sum(len(t.words) for t in query.include) <= 6 or query.exclude:
        return None
    if any(t.strict and t.field != "authors" for t in query.include) or any(
        t.prefix for t in query.include
    ):
        return None
    name = name_key(" ".join(w for t in query.include for w in t.words))
    return name if index.author_count(name) else None


def ranked(
    index: TextIndex,
    query: Query,
    filters: search_store.Filters,
    *,
    limit: int,
    offset: int = 0,
) -> KeywordResult:
    """BM25 ranking in the keyword index (relevance order)."""
    scope = index_filters(filters)
    notices: list[str] = []
    exact: set[int] = set()
    author = recognised_author(index, query)
    bonus = None
    if author is not None:
        named = index.parse(f'author_key:"{author}"')
        bonus = EngineQuery.boost_query(EngineQuery.const_score_query(named, 1.0), EXACT_BONUS)
    queries = engine_queries(index, query, bonus)
    strict = any(t.strict for t in query.include)
    hits, total = index.search(queries.words, scope, offset + limit, count=strict)
    if queries.phrases is not None:
        having, _ = index.search(queries.phrases, scope, offset + limit)
        best = dict(hits) | dict(having)  # a paper with a phrase scores more in ``having``
        hits = sorted(best.items(), key=lambda hit: (-hit[1], hit[0]))[: offset + limit]
    if author is not None:
        exact = {i for i, s in hits if s >= EXACT_BONUS}
    else:
        exact = _exact_matches(index, query, scope, offset + limit)
    notices.extend(_missing_phrases(index, query, scope))
    if total is None:
        total = _estimate(index, query, len(hits), offset + limit)
    return KeywordResult(hits[offset:], max(total, len(hits)), exact, notices)


def _exact_matches(index: TextIndex, query: Query, scope: IndexFilters, limit: int) -> set[int]:
    """For a short query of plain words, the papers (among the best ``limit``) having every
    word: what the reader typed, exactly, which hybrid keeps on top. A quoted phrase is not
    pinned so: people misquote, and a description's quoted fragment found in other papers
    than the one meant pushed it down (measured on the bench's description set)."""
    plain = [t for t in query.include if not t.strict and not t.prefix]
    if (
        not plain
        or len(plain) < len(query.include)
        or sum(map(len, (t.words for t in plain))) > SHORT_QUERY
    ):
        return set()
    every = " ".join("+" + _quoted(t.words) for t in plain)
    hits, _ = index.search(index.parse(every), scope, limit)
    return {paper_id for paper_id, _ in hits}


def _missing_phrases(index: TextIndex, query: Query, scope: IndexFilters) -> list[str]:
    """A notice for each quoted phrase no paper has (its words were searched instead)."""
    notices = []
    for term in query.include:
        if term.quoted and term.is_phrase and not term.strict:
            found, _ = index.search(index.parse(_quoted(term.words)), scope, 1)
            if not found:
                notices.append(
                    f"No paper has the exact phrase “{' '.join(term.words)}”: "
                    "showing papers with its words."
                )
    return notices


def _estimate(index: TextIndex, query: Query, found: int, asked: int) -> int:
    """How many papers an OR query matches, at least: its commonest word's papers. Counting
    every match would visit them all, which top-k ranking exists to avoid."""
    if found < asked:
        return found
    words = {w for t in query.include if not t.prefix for w in t.words}
    frequencies = [
        index.document_frequency("text", token) for word in words for token in index.stems(word)[:1]
    ]
    return max([found + 1, *frequencies])


# The store's full-text path: every word required.


def _fts_term(term: Term) -> str:
    body = '"' + " ".join(term.words) + '"' + (" *" if term.prefix else "")
    if term.field:
        return f"{FTS_COLUMNS[term.field]} : {body}"
    return body


def _pg_term(term: Term) -> str:
    weight = PG_WEIGHTS.get(term.field or "", "")
    parts = []
    for position, word in enumerate(term.words):
        last = position == len(term.words) - 1
        suffix = ("*" if term.prefix and last else "") + weight
        escaped = word.replace("'", "''").replace("\\", "")
        parts.append(f"'{escaped}'" + (f":{suffix}" if suffix else ""))
    return "(" + " <-> ".join(parts) + ")"


def match_expression(conn: Connection, query: Query) -> str | None:
    """The store's expression requiring every positive term and none of the excluded."""
    if not query.include:
        return None
    sqlite = conn.dialect.name == "sqlite"
    render = _fts_term if sqlite else _pg_term
    expression = (" AND " if sqlite else " & ").join(render(t) for t in query.include)
    if query.exclude:
        negative = exclusion_expression(conn, query)
        if sqlite:
            expression = f"({expression}) NOT ({negative})"
        else:
            expression = f"({expression}) & !({negative})"
    return expression


def exclusion_expression(conn: Connection, query: Query) -> str | None:
    """The store's expression matching any excluded term."""
    if not query.exclude:
        return None
    if conn.dialect.name == "sqlite":
        return " OR ".join(_fts_term(t) for t in query.exclude)
    return " | ".join(_pg_term(t) for t in query.exclude)


@dataclass(frozen=True)
class TextMatch:
    """What :func:`matched` newest first keeps, as a feature's own store query spells it: the
    papers matching ``match`` (every positive term and no excluded one; None without positive
    terms) and, only then, none matching ``exclude``; listing one of ``categories`` (when given),
    on days ``date_from`` to ``date_to`` (None: no bound)."""

    match: str | None
    exclude: str | None
    categories: tuple[str, ...]
    date_from: date | None
    date_to: date | None


def text_match(
    conn: Connection, query: Query, filters: search_store.Filters, *, confirm: bool
) -> TextMatch | None:
    """:class:`TextMatch` of ``query`` under ``filters``; None, when ``confirm``, if no paper
    has every positive term (the search then ranks those having most of them instead)."""
    match = match_expression(conn, query)
    checked = match is not None and confirm
    if checked and search_store.count_full_text(conn, match, filters, cap=1) == 0:
        return None
    exclude = None if match else exclusion_expression(conn, query)
    return TextMatch(match, exclude, tuple(filters.categories), filters.date_from, filters.date_to)


def matched(
    conn: Connection,
    query: Query,
    filters: search_store.Filters,
    *,
    sort: str = "relevance",
    limit: int = 20,
    offset: int = 0,
) -> KeywordResult:
    """Papers having every positive term (and no excluded one) under ``filters``, in ``sort``
    order, from the store's full-text index."""
    if not query.include:
        return _filtered_only(conn, query, filters, sort, limit, offset)
    expression = match_expression(conn, query)
    hits = search_store.full_text(conn, expression, filters, sort=sort, limit=limit, offset=offset)
    if len(hits) < limit:
        total = offset + len(hits)
    else:
        total = search_store.count_full_text(conn, expression, filters)
    return KeywordResult(hits, max(total, offset + len(hits)))


def _filtered_only(
    conn: Connection,
    query: Query,
    filters: search_store.Filters,
    sort: str,
    limit: int,
    offset: int,
) -> KeywordResult:
    """A query of filters (and exclusions) only: the papers under the filters, in ``sort``."""
    exclude = exclusion_expression(conn, query)
    if not filters:
        return KeywordResult([], 0)
    ids = search_store.filtered(
        conn, filters, exclude_match=exclude, sort=sort, limit=limit, offset=offset
    )
    total = search_store.count_filtered(conn, filters) if ids else offset
    return KeywordResult([(i, 0.0) for i in ids], max(total, offset + len(ids)))
