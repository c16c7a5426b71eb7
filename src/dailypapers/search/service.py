"""The one entry point other features call: :func:`search`, :func:`similar_papers`, the
listener that makes newly stored papers searchable (:func:`indexing_listener`), and the
embedding helpers digests use (:func:`embeddings_for`, :func:`embed_texts`).

``search`` never raises on user input. Modes: ``keyword`` (BM25 in the keyword index),
``semantic`` (nearest embeddings) and ``hybrid`` (both, fused by reciprocal rank, with the
papers the keyword side found exactly kept on top). When a side is not available the result
says so in ``notice`` and carries what the other found. Filters (date range, categories) and
sorts happen inside each side's query, before ranking. "Has code" is a filter of the store's
queries too; the in-memory indexes (BM25 ranking, vectors) know no links, so their results are
kept when they have one, among the first :data:`CODE_CANDIDATES`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

from dailypapers import days
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.papers import catalog
from dailypapers.papers.records import Card
from dailypapers.search import embedder as embedder_module
from dailypapers.search import hybrid, indexing, keyword, keyword_index, semantic, similar
from dailypapers.search.highlight import Highlighter, Segments
from dailypapers.search.query import MAX_QUERY, Query, parse
from dailypapers.store import paper_links as link_store
from dailypapers.store import papers as paper_store
from dailypapers.store import search as search_store

log = logging.getLogger(__name__)

MODES = ("hybrid", "keyword", "semantic")
# The longest query read (a pasted abstract fits): pages, feeds and the API accept this much.
LONGEST_QUERY = MAX_QUERY
SORTS = ("relevance", "newest", "upvotes")
MAX_LIMIT = 120  # the upstream API's largest page
MAX_OFFSET = 10_000
# Results each side (keyword, semantic) contributes to hybrid fusion: deep enough that a paper
# ranked well by one side only still reaches the first pages after fusion.
CANDIDATES = 100
# Hybrid mixes the two sides' min-max normalised scores, half and half: measured against
# reciprocal rank fusion (k = 10, 60, weighted) and z-score mixing on the bench's collections
# (python -m bench quality), it is the one that keeps a side's confident top answer on top
# (BM25 far above the rest for a rare word, a cosine far above for a paraphrase) instead of
# averaging ranks; and half and half needs no tuning per collection.
FUSION_WEIGHTS = (0.5, 0.5)
# How deep a "has code" search looks into results the indexes ranked without knowing links:
# about one result in five has a code link, so this fills the first pages (ten of 20) of even a
# broad query, at the cost of one indexed lookup of this many ids.
CODE_CANDIDATES = 1_000


@dataclass
class SearchItem:
    """One result: the paper's card and its highlighted title and abstract."""

    paper: Card
    score: float
    title_highlights: Segments = field(default_factory=list)
    abstract_highlights: Segments = field(default_factory=list)
    direct_hit: bool = False

    @property
    def paper_id(self) -> int:
        return self.paper.id

    @property
    def arxiv_id(self) -> str:
        return self.paper.arxiv_id


@dataclass
class SearchResults:
    query: Query
    items: list[SearchItem] = field(default_factory=list)
    total: int = 0  # exact up to a few thousand, an estimate beyond
    notice: str | None = None
    direct_hit: SearchItem | None = None
    mode: str = "hybrid"
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total


def search(
    db: Database,
    settings: Settings,
    query: str,
    *,
    user_id: int | None = None,
    **options: Any,
) -> SearchResults:
    """One page of results; ``user_id`` marks the papers that reader upvoted. ``options``:
    ``mode``, ``sort``, ``date_from``, ``date_to``, ``category``, ``has_code`` (keeps the
    papers with a code link), ``limit``, ``offset``."""
    results, page, direct_id = _search(db, settings, query, **options)
    if page:
        scores = dict(page)
        cards = catalog.cards(db, list(scores), user_id=user_id)
        _add_items(results, cards, scores, direct_id)
    results.total = max(results.total, results.offset + len(results.items))
    return results


def paper_ids(db: Database, settings: Settings, query: str, **options: Any) -> list[int]:
    """The ids of the page :func:`search` would show, without building its cards: for
    features that filter results further (feeds ask for hundreds at a time)."""
    _, page, _ = _search(db, settings, query, **options)
    return [paper_id for paper_id, _ in page]


def text_match(
    db: Database,
    settings: Settings,
    query: str,
    *,
    date_from: date | None = None,
    has_code: bool = False,
    confirm: bool = False,
) -> keyword.TextMatch | None:
    """What :func:`paper_ids` in keyword mode newest first keeps (``date_from`` and ``has_code``
    as there), for a store query that adds its own criteria; None when that search answers
    otherwise: a query naming a paper by id, or (checked when ``confirm``) words no paper has
    together, whose papers it ranks instead."""
    parsed = parse(query)
    if parsed.arxiv_id:
        return None
    text_index, _notice = keyword_index.for_settings(db, settings).get(db)
    if text_index is not None:
        parsed = _category_as_filter(text_index, parsed)
    filters = replace(_filters(parsed, None, date_from, None), has_code=bool(has_code))
    with db.read() as conn:
        return keyword.text_match(conn, parsed, filters, confirm=confirm and text_index is not None)


def _search(
    db: Database,
    settings: Settings,
    query: str,
    *,
    mode: str = "hybrid",
    sort: str = "relevance",
    date_from: date | None = None,
    date_to: date | None = None,
    category: str | None = None,
    has_code: bool = False,
    limit: int = 20,
    offset: int = 0,
) -> tuple[SearchResults, list[tuple[int, float]], int | None]:
    """(the results without their items, the page's (paper id, score), the paper the query
    names by id or None)."""
    parsed = parse(query)
    results = SearchResults(
        parsed,
        mode=mode if mode in MODES else "hybrid",
        sort=sort if sort in SORTS else "relevance",
        limit=min(max(int(limit), 1), MAX_LIMIT),
        offset=min(max(int(offset), 0), MAX_OFFSET),
    )
    notices = list(parsed.notes)
    text_index, notice = keyword_index.for_settings(db, settings).get(db)
    if notice:
        notices.append(notice)
    if text_index is not None:
        parsed = results.query = _category_as_filter(text_index, parsed)
    filters = replace(_filters(parsed, category, date_from, date_to), has_code=bool(has_code))
    direct_id = _direct_hit(db, parsed, notices)
    # Filters chosen beside the query (the page's fields) make a search as much as cat: does.
    chosen = bool(category or date_from or date_to or has_code)
    page: list[tuple[int, float]] = []
    if not (parsed.is_empty and not chosen) and not (
        parsed.arxiv_id and direct_id is None and not parsed.include
    ):
        index = None
        if results.mode != "keyword" and bool(parsed.semantic_text or direct_id):
            index, notice = semantic.for_settings(db, settings).get(db)
            if notice:
                notices.append(notice)
            if index is None or len(index) == 0:
                index = None
        sides = Sides(text_index, index, notices)
        with db.read() as conn:
            page, results.total = _page(conn, db, settings, results, filters, sides, direct_id)
    results.notice = " ".join(notices) or None
    return results, page, direct_id


def _filters(
    parsed: Query, category: str | None, date_from: date | None, date_to: date | None
) -> search_store.Filters:
    """The query's own filters (``cat:``, ``from:``, ``to:``) with those chosen beside it. Dates
    are moved into the site's days (``to:9999`` is "to the end"), so a bound the calendar cannot
    go past (the day after it) always exists."""
    categories = list(parsed.categories)
    if category and category.lower() not in (c.lower() for c in categories):
        categories.append(category)
    first, last = date_from or parsed.date_from, date_to or parsed.date_to
    return search_store.Filters(
        days.clamp(first) if first else None, days.clamp(last) if last else None, categories
    )


def _direct_hit(db: Database, parsed: Query, notices: list[str]) -> int | None:
    """The stored paper a query names by arXiv id or URL (a notice when it is not stored)."""
    if not parsed.arxiv_id:
        return None
    with db.read() as conn:
        direct_id = paper_store.id_of(conn, parsed.arxiv_id)
    if direct_id is None:
        notices.append(f"arXiv {parsed.arxiv_id} is not on this site yet.")
    return direct_id


@dataclass
class Sides:
    """What a search can use: the keyword index, the vector index (None: unavailable), and the
    notices either side has for the reader."""

    text: object | None
    vectors: object | None
    notices: list[str]


def _category_as_filter(text_index, parsed: Query) -> Query:
    """A query that is only a category id the index knows, searched as ``cat:`` that id."""
    named = keyword.recognised_category(text_index, parsed)
    if named is None:
        return parsed
    return replace(parsed, include=[], semantic_text="", categories=[*parsed.categories, named])


def _keyword(conn, sides: Sides, parsed: Query, filters, sort: str, limit: int, offset: int):
    """The keyword side: BM25 ranking in the index; the store's full-text match for other
    orders (every word required) or while the index is being built."""
    if sides.text is not None and parsed.include and sort == "relevance":
        found = keyword.ranked(sides.text, parsed, filters, limit=limit, offset=offset)
    else:
        found = keyword.matched(conn, parsed, filters, sort=sort, limit=limit, offset=offset)
        if not found.hits and parsed.include and sides.text is not None and offset == 0:
            # No paper has every word: the papers ranked best for them, in the order asked.
            ranked = keyword.ranked(sides.text, parsed, filters, limit=CANDIDATES)
            scores = dict(ranked.hits)
            ordered = search_store.order_ids(conn, scores, sort, limit=limit, offset=0)
            found = keyword.KeywordResult([(i, scores[i]) for i in ordered], len(scores))
    sides.notices.extend(n for n in found.notices if n not in sides.notices)
    return found


def _page(
    conn,
    db: Database,
    settings: Settings,
    results: SearchResults,
    filters: search_store.Filters,
    sides: Sides,
    direct_id: int | None,
) -> tuple[list[tuple[int, float]], int]:
    """(page of (paper id, score), total) in the mode asked for. With ``filters.has_code``, of
    the papers with a code link: the first CODE_CANDIDATES results in that mode (the store's
    queries filtered them already), those with one kept, paged."""
    asked = replace(results, offset=0, limit=CODE_CANDIDATES) if filters.has_code else results
    offset, limit = asked.offset, asked.limit
    window = offset + limit
    if direct_id is not None:
        ranked = [(direct_id, 1.0)]
        if sides.vectors is not None:
            ranked += similar.neighbours(db, settings, direct_id, k=max(window, 8))
        hits, total = ranked[offset:window], len(ranked)
    elif sides.vectors is None:
        found = _keyword(conn, sides, asked.query, filters, asked.sort, limit, offset)
        hits, total = found.hits, found.total
    else:
        hits, total = _ranked(conn, settings, asked, filters, sides, max(CANDIDATES, window))
    if not filters.has_code:
        return hits, total
    having = link_store.with_code(conn, [paper_id for paper_id, _ in hits])
    kept = [(paper_id, score) for paper_id, score in hits if paper_id in having]
    return kept[results.offset : results.offset + results.limit], len(kept)


def _add_items(
    results: SearchResults, cards: list[Card], scores: dict[int, float], direct_id: int | None
) -> None:
    highlighter = Highlighter(results.query.highlight_words())
    for card in cards:  # a paper deleted since it was indexed has no card: it is left out
        item = SearchItem(
            card,
            scores[card.id],
            highlighter.segments(card.title),
            highlighter.segments(card.abstract),
            direct_hit=card.id == direct_id,
        )
        results.items.append(item)
        if item.direct_hit:
            results.direct_hit = item


def _ranked(
    conn,
    settings,
    results: SearchResults,
    filters,
    sides: Sides,
    candidates: int,
) -> tuple[list[tuple[int, float]], int]:
    """(page of (id, score), total) for semantic and hybrid modes."""
    parsed, mode, sort = results.query, results.mode, results.sort
    index = sides.vectors
    vector = embedder_module.query_vector(settings, parsed.semantic_text)
    allowed = index.mask(
        date_from=filters.date_from, date_to=filters.date_to, categories=list(filters.categories)
    )
    # Strict terms (+word, au:, ti:...) are filters the reader asked for: the semantic side
    # then only re-ranks the papers that satisfy them instead of adding others.
    strict = any(t.strict for t in parsed.include)
    found = keyword.KeywordResult([], 0)
    if mode == "hybrid" or strict:
        found = _keyword(conn, sides, parsed, filters, "relevance", candidates, 0)
    if strict:
        semantic_hits = _cosines(index, vector, [i for i, _ in found.hits])
    else:
        semantic_hits = [(h.paper_id, h.score) for h in index.search(vector, candidates, allowed)]
        exclusion = keyword.exclusion_expression(conn, parsed)
        if exclusion and semantic_hits:
            excluded = search_store.matching(conn, [i for i, _ in semantic_hits], exclusion)
            semantic_hits = [(i, s) for i, s in semantic_hits if i not in excluded]
    if mode == "semantic":
        ranked = sorted(semantic_hits, key=lambda hit: -hit[1])
    else:
        ranked = hybrid.convex([found.hits, semantic_hits], weights=FUSION_WEIGHTS)
        ranked = hybrid.exact_first(ranked, found.exact)
    total = max(len(ranked), found.total if mode == "hybrid" else 0)
    offset, limit = results.offset, results.limit
    if sort == "relevance":
        return ranked[offset : offset + limit], total
    scores = dict(ranked)
    ordered = search_store.order_ids(conn, scores, sort, limit=limit, offset=offset)
    return [(i, scores[i]) for i in ordered], len(ranked)


def _cosines(index, vector: np.ndarray, ids: list[int]) -> list[tuple[int, float]]:
    scored = []
    for paper_id in ids:
        stored = index.vector_of(paper_id)
        if stored is not None:
            scored.append((paper_id, float(stored @ vector)))
    return sorted(scored, key=lambda hit: -hit[1])


def similar_papers(db: Database, settings: Settings, paper_id: int, k: int = 8) -> list[SearchItem]:
    """The ``k`` papers most similar to ``paper_id`` (empty until it has an embedding)."""
    found = dict(similar.neighbours(db, settings, paper_id, k=k))
    return [
        SearchItem(card, found[card.id], [(card.title, False)], [(card.abstract, False)])
        for card in catalog.cards(db, list(found))
    ]


def indexing_listener(settings: Settings) -> Callable[[Database, list[int]], None]:
    """The ingest pipeline's listener that embeds papers as soon as they are stored."""
    return indexing.listener(settings)


def embeddings_for(db: Database, paper_ids: list[int]) -> tuple[list[int], np.ndarray]:
    """(ids that have an embedding, float32 unit vectors in that order), from the store."""
    return indexing.embeddings_for(db, paper_ids)


def embed_texts(settings: Settings, texts: list[str]) -> np.ndarray:
    """Unit float32 embeddings of ``texts`` in the papers' vector space."""
    return embedder_module.embed_texts(settings, texts)


def nearest_with_vectors(
    db: Database, settings: Settings, vectors: np.ndarray, k: int
) -> tuple[list[int], np.ndarray]:
    """The papers among the ``k`` nearest to any row of ``vectors`` (unit), with their own
    unit vectors from the store in that order (one read: five times cheaper than asking the
    index paper by paper); ([], an empty matrix) while the vector index is not ready."""
    index, _notice = semantic.for_settings(db, settings).get(db)
    found: dict[int, None] = {}
    for vector in vectors if index is not None else ():
        for hit in index.search(np.asarray(vector, dtype=np.float32), k):
            found.setdefault(hit.paper_id)
    return embeddings_for(db, list(found))
