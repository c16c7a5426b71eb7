"""Papers as readers look them up one by one or page through all of them, in or out of the feed.

The feed views live in :mod:`dailypapers.papers.listing`; this module answers "this paper" (by
arXiv id, with its upvotes, comment count and first feed entry) and "every paper, newest arXiv
date first" with an opaque cursor. Fetching a paper from arXiv is :mod:`.lookups`' work.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from sqlalchemy import Connection

from dailypapers import arxiv_ids, days
from dailypapers.code_links import CodeLink
from dailypapers.db.engine import Database
from dailypapers.papers.records import Card
from dailypapers.store import feed as feed_store
from dailypapers.store import paper_links as link_store
from dailypapers.store import papers as paper_store
from dailypapers.store import votes as vote_store


class InvalidCursor(ValueError):
    pass


def card(db: Database, arxiv_id: str, *, user_id: int | None = None) -> Card | None:
    """The card of one paper (``arxiv_id`` may carry a version or be a URL), or None.
    Raises InvalidArxivId when ``arxiv_id`` is no arXiv id at all."""
    key = arxiv_ids.normalise(arxiv_id)
    with db.read() as conn:
        paper_id = paper_store.id_of(conn, key)
        if paper_id is None:
            return None
        return cards_in(conn, [paper_id], user_id=user_id)[0]


def cards(db: Database, paper_ids: list[int], *, user_id: int | None = None) -> list[Card]:
    """Cards of these papers in the given order (unknown ids are skipped)."""
    with db.read() as conn:
        return cards_in(conn, paper_ids, user_id=user_id)


def cards_in(conn: Connection, paper_ids: list[int], *, user_id: int | None = None) -> list[Card]:
    """:func:`cards` inside a transaction the caller holds."""
    found = feed_store.cards_of_papers(conn, paper_ids)
    mine = vote_store.voted(conn, user_id, paper_ids)
    ordered = []
    for paper_id in dict.fromkeys(paper_ids):
        if paper_id in found:
            one = Card.from_row(found[paper_id])
            one.upvoted = paper_id in mine
            ordered.append(one)
    return with_links(conn, ordered)


def with_links(conn: Connection, cards: list[Card]) -> list[Card]:
    """``cards`` with their code links set, in one query for them all."""
    found = link_store.of_papers(conn, (card.id for card in cards))
    for card in cards:
        card.links = [
            CodeLink(row["url"], row["kind"], row["source"]) for row in found.get(card.id, ())
        ]
    return cards


def newest(db: Database, limit: int, cursor: str | None = None) -> tuple[list[Card], str | None]:
    """One page of every paper, newest arXiv date first, and the cursor of the next page (None
    at the end). Raises :class:`InvalidCursor` for a cursor this function did not make."""
    after = decode_cursor(cursor) if cursor else None
    with db.read() as conn:
        page = paper_store.newest_page(conn, limit + 1, after)
        more = len(page) > limit
        page = page[:limit]
        found = feed_store.cards_of_papers(conn, [row["id"] for row in page])
        cards = with_links(conn, [Card.from_row(found[row["id"]]) for row in page])
    following = encode_cursor(page[-1]["arxiv_date"], page[-1]["id"]) if more else None
    return cards, following


def encode_cursor(when: datetime | None, paper_id: int) -> str:
    payload = json.dumps([when.isoformat() if when else None, paper_id]).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(text: str) -> tuple[datetime | None, int]:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        when, paper_id = json.loads(raw)
        if (
            not isinstance(paper_id, int)
            or isinstance(paper_id, bool)
            or not (0 < paper_id < 2**63)
        ):
            raise ValueError
        moment = datetime.fromisoformat(when) if when is not None else None
        if moment is not None:
            if moment.tzinfo is None:
                raise ValueError
            moment = days.utc(moment)  # InvalidDay (a ValueError) beyond the site's days
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError):
        raise InvalidCursor("not a cursor from a previous page's Link header") from None
    return moment, paper_id
