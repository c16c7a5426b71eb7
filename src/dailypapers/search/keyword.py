"""Keyword search: a parsed query turned into an FTS5 expression or a tsquery, run in the store.

Expressions are built from the parsed words only (``\\w+`` runs, each quoted), so nothing a
person types can change their syntax. Plain terms are all required (AND); when that finds fewer
than a page of papers and the query has several plain terms, a relaxed pass requires any of them
(OR) instead, ranked by BM25, so descriptive queries still find papers sharing their rare words.
Phrases, field terms and exclusions stay strict in both passes.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from sqlalchemy import Connection

from dailypapers.search.query import Query, Term
from dailypapers.store import search as search_store

FTS_COLUMNS = {"title": "title", "authors": "authors", "abstract": "abstract"}
PG_WEIGHTS = {"title": "A", "authors": "B", "abstract": "C"}
RELAXED_BUDGET = 5_000  # papers the relaxed (any term) pass may have to rank
RELAXED_TERMS = 8
LONG_QUERY = 6  # plain terms beyond which "every word" is not worth asking for
RANK_BUDGET = 10_000  # matches BM25 ranks at most (the most recently stored ones)
DF_TTL = 3600.0
DF_CACHE_SIZE = 100_000
_df_cache: dict[tuple[str, str], tuple[int, float]] = {}


@dataclass
class KeywordResult:
    hits: list[tuple[int, float]]  # (paper id, score), best first
    total: int
    relaxed: bool = False


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


def _plain(query: Query) -> list[Term]:
    """Terms the relaxed pass may drop: single words, not quoted, no field, no prefix.
    Hyphenated compounds ("vision-language-action") stay required: they are the most specific
    words a description has (measured: dropping them cost 0.02 nDCG@10 on AI summaries)."""
    return [t for t in query.include if not t.is_phrase and not t.field and not t.prefix]


def informative_terms(conn: Connection, query: Query) -> tuple[list[Term], int]:
    """The plain terms worth an OR pass: the rarest first, while the papers they can match stay
    within ``RELAXED_BUDGET`` (ranking every paper containing "model" is slow and adds nothing:
    rare terms carry BM25's weight)."""
    plain = _plain(query)
    words = _frequencies(conn, [w for t in plain for w in t.words])
    # A phrase matches at most as often as its rarest word.
    frequency = {t: min(words.get(w, 0) for w in t.words) for t in plain}
    ranked = sorted((t for t in plain if frequency[t] > 0), key=lambda t: frequency[t])
    kept, budget = [], 0
    for term in ranked:
        budget += frequency[term]
        if kept and (budget > RELAXED_BUDGET or len(kept) >= RELAXED_TERMS):
            break
        kept.append(term)
    return kept, sum(frequency[t] for t in kept)


def _frequencies(conn: Connection, words: list[str]) -> dict[str, int]:
    """Document frequencies, cached per process for an hour: counting a common word's papers
    costs milliseconds, it recurs in most queries, and an hour-old count ranks terms as well."""
    now = time.monotonic()
    url = str(conn.engine.url)
    found, missing = {}, []
    for word in words:
        cached = _df_cache.get((url, word))
        if cached and now - cached[1] < DF_TTL:
            found[word] = cached[0]
        else:
            missing.append(word)
    if missing:
        fresh = search_store.document_frequencies(conn, missing)
        if len(_df_cache) > DF_CACHE_SIZE:
            _df_cache.clear()
        for word, count in fresh.items():
            _df_cache[(url, word)] = (count, now)
        found.update(fresh)
    return found


def _term_weights(conn: Connection, terms: list[Term]) -> list[tuple[str, float]]:
    """(tsquery, BM25's IDF) of each term, for PostgreSQL's relaxed pass; [] on SQLite (whose
    bm25 weighs terms itself)."""
    if conn.dialect.name == "sqlite" or len(terms) < 2:
        return []
    papers = max(search_store.max_paper_id(conn), 1)
    frequencies = _frequencies(conn, [w for t in terms for w in t.words])
    weights = []
    for term in terms:
        found = min(min(frequencies.get(w, 0) for w in term.words), papers)  # estimates overshoot
        weights.append((_pg_term(term), math.log(1 + (papers - found + 0.5) / (found + 0.5))))
    return weights


def ranking_window(conn: Connection, query: Query) -> int:
    """The lowest paper id to rank when every word is so common that BM25 would have to score
    more than ``RANK_BUDGET`` papers (0: rank them all).

    Ranking is linear in the matches (FTS5 and ts_rank alike), so "large language models" over
    a million papers would take a second. Such queries rank the ~RANK_BUDGET most recently
    stored matches instead (recent papers are what a daily-papers reader wants first); the
    semantic side still searches every paper.
    """
    words = [w for t in query.include if not t.prefix for w in t.words]
    if not words:
        return 0
    frequencies = _frequencies(conn, words)
    return _window(conn, min(frequencies.get(w, 0) for w in words))  # AND: the rarest word's


def _window(conn: Connection, matches: int) -> int:
    """The lowest paper id to rank so that about ``RANK_BUDGET`` of ``matches`` are ranked."""
    if matches <= RANK_BUDGET:
        return 0
    newest = search_store.max_paper_id(conn)
    return int(newest * (1 - RANK_BUDGET / matches))


def match_expression(
    conn: Connection, query: Query, *, relaxed: bool = False, plain: list[Term] | None = None
) -> str | None:
    """The backend expression for ``query`` (None when it has no positive term); ``relaxed``
    requires any of the ``plain`` terms (default: all of the query's) instead of all."""
    if not query.include:
        return None
    sqlite = conn.dialect.name == "sqlite"
    render = _fts_term if sqlite else _pg_term
    everything = _plain(query)
    plain = everything if plain is None else plain
    strict = [t for t in query.include if t not in everything]
    parts = [render(t) for t in strict]
    if relaxed and len(plain) > 1:
        joiner = " OR " if sqlite else " | "
        parts.append("(" + joiner.join(render(t) for t in plain) + ")")
    else:
        parts.extend(render(t) for t in plain)
    expression = (" AND " if sqlite else " & ").join(parts)
    if query.exclude:
        if sqlite:
            negative = " OR ".join(_fts_term(t) for t in query.exclude)
            expression = f"({expression}) NOT ({negative})"
        else:
            expression = (
                f"({expression}) & !(" + " | ".join(_pg_term(t) for t in query.exclude) + ")"
            )
    return expression


def exclusion_expression(conn: Connection, query: Query) -> str | None:
    """Expression matching any excluded term (for queries made of filters and exclusions)."""
    if not query.exclude:
        return None
    if conn.dialect.name == "sqlite":
        return " OR ".join(_fts_term(t) for t in query.exclude)
    return " | ".join(_pg_term(t) for t in query.exclude)


def can_relax(query: Query) -> bool:
    return len(_plain(query)) > 1


def search(
    conn: Connection,
    query: Query,
    filters: search_store.Filters,
    *,
    sort: str = "relevance",
    limit: int = 20,
    offset: int = 0,
    relax_below: int | None = None,
) -> KeywordResult:
    """Papers matching ``query`` under ``filters``, ordered by ``sort`` (ids and scores).

    With relevance order, fewer than ``relax_below`` (default: ``limit``) papers having every
    plain term triggers the relaxed pass (any term).
    """
    relax_below = limit if relax_below is None else relax_below
    if not query.include:
        return _filtered_only(conn, query, filters, sort, limit, offset)
    expression = match_expression(conn, query)
    floor = ranking_window(conn, query) if sort == "relevance" else 0
    if sort == "relevance" and offset == 0 and len(_plain(query)) > LONG_QUERY:
        # A description of a dozen words almost never has all of them in one paper, and
        # intersecting that many word lists is the slowest query there is: go to the relaxed
        # pass (its rarest words) at once.
        hits = []
    else:
        hits = search_store.full_text(
            conn, expression, filters, sort=sort, limit=limit, offset=offset, min_id=floor
        )
    terms, reach = (
        informative_terms(conn, query)
        if len(hits) < relax_below and offset == 0 and sort == "relevance" and can_relax(query)
        else ([], 0)
    )
    if terms:
        relaxed = _relaxed(conn, query, filters, sort, limit, hits, terms, reach)
        if relaxed is not None:
            return relaxed
    if len(hits) < limit:
        total = offset + len(hits)
    else:
        total = search_store.count_full_text(conn, expression, filters, min_id=floor)
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


def _relaxed(
    conn: Connection,
    query: Query,
    filters: search_store.Filters,
    sort: str,
    limit: int,
    hits: list[tuple[int, float]],
    terms: list[Term],
    reach: int,
) -> KeywordResult | None:
    """The strict page filled with papers having any of ``terms``; None when that adds none."""
    relaxed = match_expression(conn, query, relaxed=True, plain=terms)
    # The rarest word alone can be common ("generative" stems to "generat": 35k of 85k
    # papers): the relaxed pass then ranks a window of recent papers as the strict one does.
    more = search_store.full_text(
        conn,
        relaxed,
        filters,
        sort=sort,
        limit=limit,
        min_id=_window(conn, reach),
        term_weights=_term_weights(conn, terms),
    )
    if len(more) <= len(hits):
        return None
    # Papers with every word stay on top; the relaxed pass fills the page after them.
    seen = {paper_id for paper_id, _ in hits}
    top = max((s for _, s in more), default=0.0)
    hits = (hits + [(i, s - top - 1.0) for i, s in more if i not in seen])[:limit]
    # Counting the relaxed matches costs as much as ranking them: estimate instead.
    return KeywordResult(hits, max(len(hits), reach if not filters else len(more)), relaxed=True)
