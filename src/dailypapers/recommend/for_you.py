"""The "for you" page and API: what is new for the reader and the best of the archive, each
paper with the reason it was picked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.papers import catalog
from dailypapers.recommend.personal import Pick, Recommender
from dailypapers.recommend.positives import Positives, positives_of
from dailypapers.recommend.records import ForYou, Recommendation
from dailypapers.search import service
from dailypapers.store import paper_scores

NOTHING_YET = "Upvote, save or 👍 a few papers: they are what this list learns from."
NO_INDEX = "Recommendations need the search index (paper embeddings)."
REASON_TITLE = 90  # characters of the reader's paper's title a reason quotes


def for_user(
    db: Database, settings: Settings, user: User, *, limit: int = 20, now: datetime | None = None
) -> ForYou:
    """Both parts of "for you", over the papers of the week before the newest one stored (so an
    imported archive still has a pool), and the whole archive."""
    with db.read() as conn:
        positives = positives_of(conn, [user.id])[user.id]
        if not positives.wanted:
            return ForYou(notice=NOTHING_YET)
        recommender = Recommender(conn, settings, moment(conn, now), db)
        new = recommender.new(positives, exclude=set(positives.known), limit=limit)
        shown = set(positives.known) | {p.paper_id for p in new}
        archive = recommender.archive(positives, exclude=shown, limit=limit)
        found = ForYou(
            new=_explained(conn, user, positives, new),
            archive=_explained(conn, user, positives, archive),
        )
    if not (new or archive) and not service.embeddings_for(db, sorted(positives.wanted))[0]:
        return ForYou(notice=NO_INDEX)
    return found


def moment(conn: Connection, now: datetime | None = None) -> datetime:
    """The moment "new" is counted back from: now, or just after the newest stored paper when
    that is older (an imported archive still has a week of new papers)."""
    now = now or datetime.now(UTC)
    newest = paper_scores.newest_published(conn)
    return min(now, newest + timedelta(seconds=1)) if newest else now


def _explained(
    conn: Connection, user: User, positives: Positives, picks: list[Pick]
) -> list[Recommendation]:
    cards = {c.id: c for c in catalog.cards_in(conn, [p.paper_id for p in picks], user_id=user.id)}
    titles = {
        i: row["title"] for i, row in paper_scores.by_ids(conn, {p.because for p in picks}).items()
    }
    return [
        Recommendation(
            card=cards[pick.paper_id],
            score=pick.score,
            reason=reason(titles.get(pick.because, ""), positives.why(pick.because)),
        )
        for pick in picks
        if pick.paper_id in cards
    ]


def reason(title: str, how: str) -> str:
    """ "Close to “Title”, which you saved": the reader's paper a recommendation is nearest."""
    title = " ".join(title.split())
    if len(title) > REASON_TITLE:
        title = title[: REASON_TITLE - 1].rstrip() + "…"
    return f"Close to “{title}”, which {how}."
