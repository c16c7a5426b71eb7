"""Test data, made one way: papers and feed entries through the ingest pipeline, people through
sign-up, votes and comments through the papers package. Never rows written behind the domain."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dailypapers.accounts import administration, registration, tokens, verification
from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.feeds import service as feeds
from dailypapers.feeds.records import Feed
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.records import FeedRecord, PaperRecord
from dailypapers.papers import catalog
from dailypapers.store import account_mail
from dailypapers.webhooks import subscriptions
from dailypapers.webhooks.records import Webhook

PASSWORD = "correct horse battery"
# What the domain needs of the settings to sign people up: the site's address for mailed links
# (the ``settings`` fixture's, too).
SITE = Settings(base_url="http://testserver", secret_key="test-secret-key-not-for-production")


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


def person(db: Database, username: str, *, email: str | None = None, verified: bool = True) -> User:
    """A local account, signed up as anyone would (password :data:`PASSWORD`), its address
    verified through the link its sign-up mailed (unless ``verified`` is False)."""
    user = registration.sign_up(db, SITE, username, email or f"{username}@example.org", PASSWORD)
    return verify(db, user) if verified else user


def mailed_links(db: Database, user: User, kind: str = "verify") -> list[str]:
    """The links of ``kind`` ("verify", "reset") mailed to ``user``, oldest first, as the outbox
    holds them."""
    with db.read() as conn:
        mails = account_mail.for_user(conn, user.id)
    return [m["content"]["link"] for m in mails if m["kind"] == kind]


def token_of(link: str) -> str:
    """The secret at the end of a mailed link."""
    return link.rsplit("/", 1)[1]


def verify(db: Database, user: User) -> User:
    """``user`` once the newest verification link mailed to them is followed."""
    return verification.verify(db, token_of(mailed_links(db, user)[-1]))


def admin(db: Database, user: User) -> User:
    """``user`` made an admin, as the operator's ``dailypapers user make-admin`` does."""
    return administration.make_admin(db, user.username)


def paper_id(db: Database, arxiv_id: str) -> int:
    """The key a stored paper is known by in the store (and in the pages' element ids)."""
    return catalog.card(db, arxiv_id).id


def api_token(db: Database, user: User, kind: str = "api") -> str:
    secret, _token = tokens.create(db, user, kind, "test")
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def feed(db: Database, owner: User, name: str = "Language", **definition) -> Feed:
    """A feed of ``owner``'s, made as the Follow buttons make one (cs.CL unless told)."""
    return feeds.create(db, owner, {"name": name, **(definition or {"categories": ["cs.CL"]})})


def webhook(
    db: Database, settings: Settings, owner: User, url: str, fmt: str = "json"
) -> tuple[Webhook, str]:
    """A webhook of ``owner``'s to ``url`` on a new feed of theirs, and its secret."""
    return subscriptions.add(db, settings, user=owner, feed_id=feed(db, owner).id, url=url, fmt=fmt)
