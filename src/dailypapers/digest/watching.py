"""The papers a reader watches (:mod:`dailypapers.watching`) as a section of their digest: those
with news their digest has not told yet, each once with its changes in one line. Once the digest
is in the outbox, the composing round records what it told (the watches' ``seen_*``)."""

from __future__ import annotations

from sqlalchemy import Connection

from dailypapers.digest.compose import WatchedNews
from dailypapers.digest.feeds import paper_of
from dailypapers.papers import catalog
from dailypapers.watching import news
from dailypapers.watching.records import News


class WatchRunner:
    """The untold news of one composing round's readers, read once, with their papers' cards."""

    def __init__(self, conn: Connection, user_ids: list[int]):
        self.by_user = news.untold(conn, user_ids)
        ids = [n.paper_id for found in self.by_user.values() for n in found]
        self.papers = {card.id: paper_of(card) for card in catalog.cards_in(conn, ids)}

    def news_of(self, user_id: int | None) -> list[News]:
        return self.by_user.get(user_id, []) if user_id is not None else []

    def candidates(self, user_id: int | None) -> list[WatchedNews]:
        return [
            WatchedNews(self.papers[n.paper_id], n.summary())
            for n in self.news_of(user_id)
            if n.paper_id in self.papers
        ]
