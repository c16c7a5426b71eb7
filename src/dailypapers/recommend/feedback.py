"""Explicit 👍/👎 on recommended papers, from the site or from one-click links in the digest.

A 👍 is a "liked" mark (the paper joins the reader's wanted papers), a 👎 a "disliked" one
(papers near it lose :data:`dailypapers.recommend.model.DISLIKE_WEIGHT` times their cosine to
it); "saved" and "not interested" (:func:`set_mark`) count with them. One mark per reader and
paper: a 👍 replaces a 👎 and "none" clears either.

Mail links sign (subscription id, address, arXiv id, choice) with the site's key, as the
unsubscribe links do (itsdangerous, a salt of their own), and are checked against the stored
subscription, so they work without a session but only for the account the digest went to.
Opening one changes nothing (mail scanners follow links): its page has the button that POSTs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from itsdangerous import BadSignature, URLSafeSerializer

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.papers.voting import PaperNotFound, resolve_id
from dailypapers.store import marks as mark_store
from dailypapers.store import papers as paper_store
from dailypapers.store import subscriptions as subscription_store

FEEDBACK_SALT = "dailypapers.recommend.feedback"
CHOICES = {"liked": "liked", "disliked": "disliked", "none": None}


class FeedbackLinkInvalid(ValueError):
    """Tampered with, cut short, signed with another key, or for a subscription that no
    longer belongs to an account at that address."""


class NotYourLink(PermissionError):
    """A genuine link, opened by someone signed in as another account than it was mailed to."""


@dataclass(frozen=True)
class FeedbackLink:
    user_id: int
    arxiv_id: str
    choice: str  # liked | disliked
    title: str


def record(db: Database, user: User, arxiv_id: str, choice: str) -> None:
    """The reader's 👍 ("liked"), 👎 ("disliked") or neither ("none") on a paper. Raises
    PaperNotFound, ValueError for another choice."""
    if choice not in CHOICES:
        raise ValueError(f"unknown feedback {choice!r}: use one of {sorted(CHOICES)}")
    set_mark(db, user, arxiv_id, CHOICES[choice])


def set_mark(db: Database, user: User, arxiv_id: str, kind: str | None) -> None:
    """Mark a paper with one of ``store.marks.KINDS`` (None clears the mark). Raises
    PaperNotFound, ValueError for another kind."""
    if kind is not None and kind not in mark_store.KINDS:
        raise ValueError(f"unknown mark {kind!r}")
    key = resolve_id(arxiv_id)
    with db.write() as conn:
        paper_id = paper_store.id_of(conn, key)
        if paper_id is None:
            raise PaperNotFound(key)
        mark_store.set_mark(conn, user.id, paper_id, kind, datetime.now(UTC))


def link_token(
    settings: Settings, subscription_id: int, email: str, arxiv_id: str, choice: str
) -> str:
    serializer = URLSafeSerializer(settings.resolved_secret_key, salt=FEEDBACK_SALT)
    return serializer.dumps([subscription_id, email.lower(), arxiv_id, choice])


def link_url(
    settings: Settings, subscription_id: int, email: str, arxiv_id: str, choice: str
) -> str:
    token = link_token(settings, subscription_id, email, arxiv_id, choice)
    return f"{settings.base_url.rstrip('/')}/feedback/{token}"


def read_link(db: Database, settings: Settings, token: str) -> FeedbackLink:
    """What a mailed link would record, for whom; changes nothing. Raises FeedbackLinkInvalid."""
    serializer = URLSafeSerializer(settings.resolved_secret_key, salt=FEEDBACK_SALT)
    try:
        payload = serializer.loads(token)
    except BadSignature as error:
        raise FeedbackLinkInvalid("this link is not one we sent (it may be cut short)") from error
    if not (
        isinstance(payload, list)
        and len(payload) == 4
        and isinstance(payload[0], int)
        and all(isinstance(p, str) for p in payload[1:])
        and payload[3] in ("liked", "disliked")
    ):
        raise FeedbackLinkInvalid("this link is not one we sent")
    subscription_id, email, arxiv_id, choice = payload
    with db.read() as conn:
        subscription = subscription_store.get(conn, subscription_id)
        paper = paper_store.get(conn, arxiv_id)
    if (
        subscription is None
        or subscription["user_id"] is None
        or subscription["email"].lower() != email
        or paper is None
    ):
        raise FeedbackLinkInvalid("this link no longer matches a digest of an account")
    return FeedbackLink(subscription["user_id"], arxiv_id, choice, paper["title"])


def record_from_link(
    db: Database, settings: Settings, token: str, signed_in: User | None
) -> FeedbackLink:
    """Record a mailed link's choice for the account it was mailed to. Raises
    FeedbackLinkInvalid, NotYourLink (signed in as someone else: a forwarded digest)."""
    link = read_link(db, settings, token)
    if signed_in is not None and signed_in.id != link.user_id:
        raise NotYourLink("this link was mailed to another account")
    with db.write() as conn:
        paper_id = paper_store.id_of(conn, link.arxiv_id)
        if paper_id is None:
            raise FeedbackLinkInvalid("this paper is no longer here")
        mark_store.set_mark(conn, link.user_id, paper_id, link.choice, datetime.now(UTC))
    return link
