"""What is exported, for whom: one paper, a collection (with its read checks), a search's first
results and a feed's newest papers (with the feed page's checks), each as a file of
:mod:`.citations` with a name to save it under."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dailypapers import arxiv_ids
from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.feeds import matching
from dailypapers.library import citations, collections
from dailypapers.library.records import NoSuchPaper
from dailypapers.papers import catalog
from dailypapers.papers.records import Card
from dailypapers.search import service as search_service

# A search or a feed exports its first results, not all of them: a citation file is for a
# reference manager, and a hundred is a long reading list while one response stays small.
SEARCH_CAP = 100
FEED_CAP = 100
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Export:
    text: str
    media_type: str
    filename: str  # what a browser saves it as (ASCII: letters, digits, dots, dashes)


def _file(cards: list[Card], fmt: str, stem: str) -> Export:
    text, media_type = citations.export(cards, fmt)
    safe = _UNSAFE.sub("-", stem).strip("-.")[:80] or "citations"
    return Export(text, media_type, f"{safe}.{fmt}")


def of_paper(db: Database, arxiv_id: str, fmt: str) -> Export:
    """One stored paper. Raises InvalidArxivId, NoSuchPaper."""
    found = catalog.card(db, arxiv_id)
    if found is None:
        raise NoSuchPaper(arxiv_ids.normalise(arxiv_id))
    return _file([found], fmt, found.arxiv_id.replace("/", "-"))


def bibtex_of(card: Card) -> str:
    """One paper's BibTeX (the "Cite" box of its page)."""
    return citations.bibtex([card])


def of_collection(db: Database, collection_id: int, viewer: User | None, fmt: str) -> Export:
    """A collection's papers in its order, if ``viewer`` may read it. Raises NoSuchCollection."""
    shelf = collections.shelf(db, collection_id, viewer)
    return _file(shelf.cards, fmt, f"collection-{collection_id}-{shelf.collection.title}")


def of_search(
    db: Database, settings: Settings, query: str, fmt: str, *, mode: str = "hybrid"
) -> Export:
    """The first :data:`SEARCH_CAP` results of a search, best first."""
    results = search_service.search(db, settings, query, mode=mode, limit=SEARCH_CAP)
    cards = [item.paper for item in results.items]
    if results.direct_hit is not None and all(c.id != results.direct_hit.paper.id for c in cards):
        cards.insert(0, results.direct_hit.paper)
    return _file(cards[:SEARCH_CAP], fmt, f"search-{query}")


def of_feed(
    db: Database, settings: Settings, feed_id: int, viewer: User | None, fmt: str
) -> Export:
    """A feed's newest :data:`FEED_CAP` papers, if ``viewer`` may read it (a private feed: its
    owner). Raises NoSuchFeed."""
    cards = matching.feed_papers(db, settings, feed_id, viewer=viewer, limit=FEED_CAP)
    return _file(cards, fmt, f"feed-{feed_id}")
