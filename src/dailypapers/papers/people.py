"""What a person's page (``/users/{name}``) shows: the papers they submitted and upvoted, and the
author names their account holds (approved claims) with those authors' papers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.papers import catalog
from dailypapers.papers.records import Card
from dailypapers.store import author_claims as claim_store
from dailypapers.store import authors as author_store
from dailypapers.store import feed as feed_store
from dailypapers.store import users as user_store
from dailypapers.store import votes as vote_store

PAGE_SIZE = 30  # submissions per page
UPVOTED_SHOWN = 100  # the most recent upvotes listed on the first page
AUTHORED_SHOWN = 30  # the newest papers of the names the account holds, on the first page


@dataclass(frozen=True)
class Upvoted:
    arxiv_id: str
    title: str
    voted_at: datetime


@dataclass
class Profile:
    user: User
    submitted: list[Card] = field(default_factory=list)
    submitted_total: int = 0
    upvoted: list[Upvoted] = field(default_factory=list)
    page: int = 1
    pages: int = 1
    # The author names the account holds (as the papers write them), their papers counted, and
    # the newest of those papers (the first page only; each name's page has the rest).
    claimed_names: list[str] = field(default_factory=list)
    authored_total: int = 0
    authored: list[Card] = field(default_factory=list)


def profile(
    db: Database, username: str, *, page: int = 1, viewer_id: int | None = None
) -> Profile | None:
    """``username``'s submissions (newest first, paged) and upvotes; None for nobody."""
    with db.read() as conn:
        row = user_store.get_by_username(conn, username)
        if row is None:
            return None
        user = User.from_row(row)
        theirs = feed_store.Entries(submitter_id=user.id)
        total = feed_store.count_cards(conn, theirs)
        submitted = [
            Card.from_row(r)
            for r in feed_store.cards(
                conn, theirs, order="submitted", limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
            )
        ]
        upvoted = (
            [
                Upvoted(r["arxiv_id"], r["title"], r["voted_at"])
                for r in vote_store.papers_voted_by(conn, user.id, limit=UPVOTED_SHOWN)
            ]
            if page == 1
            else []
        )
        mine = vote_store.voted(conn, viewer_id, (card.id for card in submitted))
        held = claim_store.of_user(conn, user.id, ["approved"])
        keys = [row["name_key"] for row in held]
        authored_total = author_store.count_papers(conn, keys) if keys else 0
        authored = (
            catalog.cards_in(
                conn,
                author_store.papers_of(conn, keys, limit=AUTHORED_SHOWN, offset=0),
                user_id=viewer_id,
            )
            if keys and page == 1
            else []
        )
        catalog.with_links(conn, submitted)
    for card in submitted:
        card.upvoted = card.id in mine
    pages = max(1, -(-total // PAGE_SIZE))
    claimed = [row["name"] for row in held]
    return Profile(user, submitted, total, upvoted, page, pages, claimed, authored_total, authored)
