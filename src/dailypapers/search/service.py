"""The one entry point other features call: :func:`search`, :func:`similar_papers`, and the
embedding helpers digests use (:func:`embeddings_for`, :func:`embed_texts`).

``search`` never raises on user input. Modes: ``keyword`` (full text), ``semantic`` (nearest
embeddings) and ``hybrid`` (both, fused by reciprocal rank). When the semantic side is not
available the result says so in ``notice`` and carries keyword results. Filters (date range,
categories) and sorts happen inside each side's query, before ranking.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from dailypapers.db.engine import Database
from dailypapers.search import embedder as embedder_module
from dailypapers.search import hybrid, indexing, keyword, semantic, similar
from dailypapers.search.highlight import Highlighter, Segments
from dailypapers.search.query import Query, parse
from dailypapers.store import search as search_store

log = logging.getLogger(__name__)

MODES = ("hybrid", "keyword", "semantic")
SORTS = ("relevance", "newest", "upvotes")
MAX_LIMIT = 100
MAX_OFFSET = 10_000
# Keyword hits that lack some of the query's words (the relaxed pass) are weaker evidence.
RELAXED_WEIGHT = 0.5


@dataclass
class SearchItem:
    """One result: the card fields (``paper``, also readable as attributes) and highlights."""

    paper_id: int
    arxiv_id: str
    paper: dict[str, Any]
    score: float
    title_highlights: Segments = field(default_factory=list)
    abstract_highlights: Segments = field(default_factory=list)
    direct_hit: bool = False

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["paper"][name]
        except KeyError:
            raise AttributeError(name) from None


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


def search(db: Database, settings, query: str, *, mode: str = "hybrid",  # noqa: ANN001, PLR0912
           sort: str = "relevance", date_from: date | None = None, date_to: date | None = None,
           category: str | None = None, limit: int = 20, offset: int = 0) -> SearchResults:
    parsed = parse(query)
    mode = mode if mode in MODES else "hybrid"
    sort = sort if sort in SORTS else "relevance"
    limit = min(max(int(limit), 1), MAX_LIMIT)
    offset = min(max(int(offset), 0), MAX_OFFSET)
    results = SearchResults(parsed, mode=mode, sort=sort, limit=limit, offset=offset)
    categories = list(parsed.categories)
    if category and category.lower() not in (c.lower() for c in categories):
        categories.append(category)
    filters = search_store.Filters(date_from or parsed.date_from, date_to or parsed.date_to,
                                   categories)
    notices = list(parsed.notes)

    direct_id = None
    if parsed.arxiv_id:
        with db.read() as conn:
            direct_id = search_store.paper_id_of(conn, parsed.arxiv_id)
        if direct_id is None:
            notices.append(f"arXiv {parsed.arxiv_id} is not on this site yet.")
    # Filters chosen beside the query (the page's fields) make a search as much as cat: does.
    chosen = bool(category or date_from or date_to)
    if (parsed.is_empty and not chosen) or (
            parsed.arxiv_id and direct_id is None and not parsed.include):
        results.notice = " ".join(notices) or None
        return results

    index = None
    wants_semantic = mode != "keyword" and bool(parsed.semantic_text or direct_id)
    if wants_semantic:
        index, notice = semantic.for_settings(db, settings).get(db)
        if notice:
            notices.append(notice)
        if index is None or len(index) == 0:
            index = None
    window = offset + limit
    candidates = max(settings.search_candidates, window)

    with db.read() as conn:
        if direct_id is not None:
            ranked = [(direct_id, 1.0)]
            if index is not None:
                ranked += similar.neighbours(db, settings, direct_id, k=max(window, 8))
            page, total = ranked[offset:window], len(ranked)
        elif index is None:
            found = keyword.search(conn, parsed, filters, sort=sort, limit=limit, offset=offset)
            page, total = found.hits, found.total
        else:
            page, total = _ranked(conn, settings, parsed, filters, index, mode, sort,
                                  candidates, limit, offset)
        cards = search_store.cards(conn, [paper_id for paper_id, _ in page])

    highlighter = Highlighter(parsed.highlight_words())
    for paper_id, score in page:
        card = cards.get(paper_id)
        if card is None:  # deleted since it was indexed
            continue
        item = SearchItem(
            paper_id, card["arxiv_id"], card, score,
            highlighter.segments(card["title"]), highlighter.segments(card["abstract"]),
            direct_hit=paper_id == direct_id,
        )
        results.items.append(item)
        if item.direct_hit:
            results.direct_hit = item
    results.total = max(total, offset + len(results.items))
    results.notice = " ".join(notices) or None
    return results


def _ranked(conn, settings, parsed: Query, filters, index, mode: str,  # noqa: ANN001, PLR0913
            sort: str, candidates: int, limit: int, offset: int
            ) -> tuple[list[tuple[int, float]], int]:
    """(page of (id, score), total) for semantic and hybrid modes."""
    vector = embedder_module.for_settings(settings).embed_query(parsed.semantic_text)
    allowed = index.mask(date_from=filters.date_from, date_to=filters.date_to,
                         categories=list(filters.categories))
    # Field terms and phrases are explicit constraints: then the semantic side only re-ranks
    # the papers that satisfy them instead of adding others.
    strict = any(t.field or t.quoted for t in parsed.include)
    keyword_hits: list[tuple[int, float]] = []
    keyword_total = 0
    keyword_weight = 1.0
    if mode == "hybrid" or strict:
        found = keyword.search(conn, parsed, filters, limit=candidates,
                               relax_below=settings.search_candidates)
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
        ranked = hybrid.rrf([[i for i, _ in keyword_hits], [i for i, _ in semantic_hits]],
                            k=settings.search_rrf_k, weights=[keyword_weight, 1.0])
    total = max(len(ranked), keyword_total if mode == "hybrid" else 0)
    if sort == "relevance":
        return ranked[offset : offset + limit], total
    scores = dict(ranked)
    ordered = search_store.order_ids(conn, scores, sort, limit=limit, offset=offset)
    return [(i, scores[i]) for i in ordered], len(ranked)


def _cosines(index, vector: np.ndarray, ids: list[int]) -> list[tuple[int, float]]:  # noqa: ANN001
    scored = []
    for paper_id in ids:
        stored = index.vector_of(paper_id)
        if stored is not None:
            scored.append((paper_id, float(stored @ vector)))
    return sorted(scored, key=lambda hit: -hit[1])


def similar_papers(db: Database, settings, paper_id: int, k: int = 8) -> list[SearchItem]:  # noqa: ANN001
    """The ``k`` papers most similar to ``paper_id`` (empty until it has an embedding)."""
    found = similar.neighbours(db, settings, paper_id, k=k)
    with db.read() as conn:
        cards = search_store.cards(conn, [i for i, _ in found])
    return [
        SearchItem(i, cards[i]["arxiv_id"], cards[i], score,
                   [(cards[i]["title"], False)], [(cards[i]["abstract"], False)])
        for i, score in found if i in cards
    ]


def embeddings_for(db: Database, paper_ids: list[int]) -> tuple[list[int], np.ndarray]:
    """(ids that have an embedding, float32 unit vectors in that order), from the store."""
    return indexing.embeddings_for(db, paper_ids)


def embed_texts(settings, texts: list[str]) -> np.ndarray:  # noqa: ANN001
    """Unit float32 embeddings of ``texts`` in the papers' vector space."""
    return embedder_module.embed_texts(settings, texts)
