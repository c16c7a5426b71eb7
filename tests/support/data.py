"""Test data, made one way: papers and feed entries through the ingest pipeline, people through
sign-up, votes and comments through the papers package. Never rows written behind the domain."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dailypapers.accounts import registration, tokens
from dailypapers.accounts.records import User
from dailypapers.db import Database
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.records import FeedRecord, PaperRecord
from dailypapers.papers import catalog

PASSWORD = "correct horse battery"


def paper(
    arxiv_id: str,
    title: str = "A paper",
    *,
    abstract: str = "An abstract.",
    authors: list[str] | None = None,
    categories: list[str] | None = None,
    published_at: datetime | None = None,
) -> PaperRecord:
    return PaperRecord(
        arxiv_id=arxiv_id,
        title=title,
        abstract=abstract,
        authors=authors or ["Ada Lovelace", "Alan Turing"],
        categories=categories or ["cs.CL"],
        source="test",
        published_at=published_at or datetime(2026, 1, 1, tzinfo=UTC),
        abs_url=f"https://arxiv.org/abs/{arxiv_id}",
    )


def in_feed(
    record: PaperRecord, day: date, *, upvotes: int = 0, submitted_at: datetime | None = None
) -> FeedRecord:
    moment = submitted_at or datetime.combine(day, datetime.min.time(), UTC).replace(hour=9)
    return FeedRecord(record, day, moment, upvotes=upvotes)


def store(db: Database, *items: PaperRecord | FeedRecord) -> None:
    """Store papers and feed entries as any import would."""
    summary = Pipeline(db).run(list(items))
    assert summary.rejected == 0, summary


def person(db: Database, username: str, *, email: str | None = None) -> User:
    """A local account, signed up as anyone would (password :data:`PASSWORD`)."""
    return registration.sign_up(db, username, email or f"{username}@example.org", PASSWORD)


def paper_id(db: Database, arxiv_id: str) -> int:
    """The key a stored paper is known by in the store (and in the pages' element ids)."""
    return catalog.card(db, arxiv_id).id


def api_token(db: Database, user: User, kind: str = "api") -> str:
    secret, _token = tokens.create(db, user, kind, "test")
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
