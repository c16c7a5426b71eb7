"""The one entry point other features call: :func:`search`, :func:`similar_papers`, the
listener that makes newly stored papers searchable (:func:`indexing_listener`), and the
embedding helpers digests use (:func:`embeddings_for`, :func:`embed_texts`).

``search`` never raises on user input. Modes: ``keyword`` (full text), ``semantic`` (nearest
embeddings) and ``hybrid`` (both, fused by reciprocal rank). When the semantic side is not
available the result says so in ``notice`` and carries keyword results. Filters (date range,
categories) and sorts happen inside each side's query, before ranking.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from dailypapers import days
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.papers import catalog
from dailypapers.papers.records import Card
from dailypapers.search import embedder as embedder_module
from dailypapers.search import hybrid, indexing, keyword, semantic, similar
from dailypapers.search.highlight import Highlighter, Segments
from dailypapers.search.query import Query, parse
from dailypapers.store import papers as paper_store
from dailypapers.store import search as search_store

log = logging.getLogger(__name__)

MODES = ("hybrid", "keyword", "semantic")
SORTS = ("relevance", "newest", "upvotes")
MAX_LIMIT = 120  # the upstream API's largest page
MAX_OFFSET = 10_000
# Keyword hits that lack some of the query's words (the relaxed pass) are weaker evidence.
RELAXED_WEIGHT = 0.5
# Results each side (keyword, semantic) contributes to hybrid fusion: deep enough that a paper
# ranked well by one side only still reaches the first pages after fusion.
CANDIDATES = 100
# Reciprocal rank fusion's k: Cormack et al.'s value, which needs no tuning per collection.
RRF_K = 60


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
    mode: str = "hybrid",
    sort: str = "relevance",
    date_from: date | None = None,
    date_to: date | None = None,
    category: str | None = None,
    limit: int = 20,
    offset: int = 0,
    user_id: int | None = None,
) -> SearchResults:
    """One page of results; ``user_id`` marks the papers that reader upvoted."""
    parsed = parse(query)
    results = SearchResults(
        parsed,
        mode=mode if mode in MODES else "hybrid",
        sort=sort if sort in SORTS else "relevance",
        limit=min(max(int(limit), 1), MAX_LIMIT),
        offset=min(max(int(offset), 0), MAX_OFFSET),
    )
    filters = _filters(parsed, category, date_from, date_to)
    notices = list(parsed.notes)
    direct_id = _direct_hit(db, parsed, notices)
    # Filters chosen beside the query (the page's fields) make a search as much as cat: does.
    chosen = bool(category or date_from or date_to)
    if (parsed.is_empty and not chosen) or (
        parsed.arxiv_id and direct_id is None and not parsed.include
    ):
        results.notice = " ".join(notices) or None
        return results
    index = None
    if results.mode != "keyword" and bool(parsed.semantic_text or direct_id):
        index, notice = semantic.for_settings(db, settings).get(db)
        if notice:
            notices.append(notice)
        if index is None or len(index) == 0:
            index = None
    with db.read() as conn:
        page, total = _page(conn, db, settings, results, filters, index, direct_id)
        scores = dict(page)
        cards = catalog.cards_in(conn, [paper_id for paper_id, _ in page], user_id=user_id)
    _add_items(results, cards, scores, direct_id)
    results.total = max(total, results.offset + len(results.items))
    results.notice = " ".join(notices) or None
    return results


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


def _page(
    conn,
    db: Database,
    settings: Settings,
    results: SearchResults,
    filters: search_store.Filters,
    index,
    direct_id: int | None,
) -> tuple[list[tuple[int, float]], int]:
    """(page of (paper id, score), total) in the mode asked for."""
    offset, limit = results.offset, results.limit
    window = offset + limit
    if direct_id is not None:
        ranked = [(direct_id, 1.0)]
        if index is not None:
            ranked += similar.neighbours(db, settings, direct_id, k=max(window, 8))
        return ranked[offset:window], len(ranked)
    if index is None:
        found = keyword.search(
            conn, results.query, filters, sort=results.sort, limit=limit, offset=offset
        )
        return found.hits, found.total
    return _ranked(
        conn,
        settings,
        results.query,
        filters,
        index,
        results.mode,
        results.sort,
        max(CANDIDATES, window),
        limit,
        offset,
    )


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
    parsed: Query,
    filters,
    index,
    mode: str,
    sort: str,
    candidates: int,
    limit: int,
    offset: int,
) -> tuple[list[tuple[int, float]], int]:
    """(page of (id, score), total) for semantic and hybrid modes."""
    vector = embedder_module.for_settings(settings).embed_query(parsed.semantic_text)
    allowed = index.mask(
        date_from=filters.date_from, date_to=filters.date_to, categories=list(filters.categories)
    )
    # Field terms and phrases are explicit constraints: then the semantic side only re-ranks
    # the papers that satisfy them instead of adding others.
    strict = any(t.field or t.quoted for t in parsed.include)
    keyword_hits: list[tuple[int, float]] = []
    keyword_total = 0
    keyword_weight = 1.0
    if mode == "hybrid" or strict:
        found = keyword.search(conn, parsed, filters, limit=candidates, relax_below=CANDIDATES)
        keyword_hits, keyword_total = found.hits, found.total
        if found.relaxed:
            keyword_weight = RELAXED_WEIGHT
    if strict:
        semantic_hits = _cosines(index, vector, [i for i, _ in keyword_hits])
    else:
        semantic_hits = [(h.paper_id, h.score) for h in index.search(vector, candidates, allowed)]
        exclusion = keyword.exclusion_expression(conn, parsed)
        if exclusion and semantic_hits:
            excluded = search_store.matching(conn, [i for i, _ in semantic_hits], exclusion)
            semantic_hits = [(i, s) for i, s in semantic_hits if i not in excluded]
    if mode == "semantic":
        ranked = sorted(semantic_hits, key=lambda hit: -hit[1])
    else:
        ranked = hybrid.rrf(
            [[i for i, _ in keyword_hits], [i for i, _ in semantic_hits]],
            k=RRF_K,
            weights=[keyword_weight, 1.0],
        )
    total = max(len(ranked), keyword_total if mode == "hybrid" else 0)
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
