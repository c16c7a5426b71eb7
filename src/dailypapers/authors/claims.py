"""Claiming an author name: a verified account says "this is me" on an author's page, and the
claim waits until an admin approves or rejects it (with a reason). Its user may withdraw it
(pending or approved); an admin may revoke an approved one. Who may claim what is
:mod:`.claimants`' (its errors are the refusals raised here).

Decisions are conditional UPDATEs (a claim leaves ``pending`` once, however many admins decide
it at the same moment: the others are told AlreadyDecided), and one name key has at most one
approved claim, which the partial unique index of ``author_claims`` keeps on both backends even
when two admins approve two claims of one name at the same instant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from dailypapers.accounts import mail
from dailypapers.accounts.records import User
from dailypapers.authors import claimants, names, pages
from dailypapers.authors.claimants import (
    MAX_PENDING,
    AlreadyYours,
    AmbiguousName,
    ClaimRefused,
    NameTaken,
    NotAnAuthor,
    TooManyPending,
    Unverified,
)
from dailypapers.authors.records import Claim
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import author_claims as claim_store
from dailypapers.store import authors as author_store
from dailypapers.store import users as user_store

__all__ = [
    "MAX_PENDING", "MAX_REASON", "QUEUE_SHOWN", "AlreadyDecided", "AlreadyYours", "AmbiguousName",
    "ClaimRefused", "InvalidReason", "NameTaken", "NoSuchClaim", "NotAdmin", "NotAnAuthor",
    "TooManyPending", "Unverified", "VERDICTS", "Verdict", "approve", "claim", "decide", "queue",
    "withdraw",
]  # fmt: skip

MAX_REASON = 1000  # characters of a reason: a few sentences, what the claimant is mailed or shown
QUEUE_SHOWN = 200  # claims the admin page lists per state (the oldest pending first)


class NoSuchClaim(ClaimRefused):
    def __init__(self) -> None:
        super().__init__("There is no such claim.")


class NotAdmin(ClaimRefused):
    def __init__(self) -> None:
        super().__init__("Only the site's admins decide claims.")


class AlreadyDecided(ClaimRefused):
    def __init__(self, state: str) -> None:
        super().__init__(f"This claim was decided meanwhile: it is {state}.")


class InvalidReason(ClaimRefused):
    """A rejection or revocation without a reason, or with one too long to read."""


def claim(db: Database, user: User, name: str, *, now: datetime | None = None) -> Claim:
    """``user`` claims the author ``name`` means (pending); the claim is of that author's key and
    keeps the name as the papers write it. Raises pages.InvalidName, NotAnAuthor, AmbiguousName,
    Unverified, AlreadyYours, NameTaken, TooManyPending."""
    key = pages.checked_key(name)
    with db.write() as conn:
        user_store.lock(conn, user.id)  # one account's claims are counted one at a time
        row = user_store.get_public(conn, user.id)
        if row is None:
            raise Unverified()
        keys, candidates, _ = pages.resolved(conn, key)
        if not keys and not candidates:
            raise NotAnAuthor(names.shown(name))
        target = claimants.target(keys, candidates)
        claimants.check(conn, row, target)
        shown = names.display_forms(author_store.spellings(conn, [target]))
        claim_id = claim_store.insert(
            conn, user.id, shown.get(target, target), target, now or datetime.now(UTC)
        )
        return Claim.from_row(claim_store.get(conn, claim_id))


def withdraw(db: Database, user: User, claim_id: int, *, now: datetime | None = None) -> Claim:
    """``user`` takes back their claim (pending or approved). Raises NoSuchClaim (also for
    another account's claim), AlreadyDecided."""
    with db.write() as conn:
        row = claim_store.get(conn, claim_id)
        if row is None or row["user_id"] != user.id:
            raise NoSuchClaim()
        if row["state"] not in ("pending", "approved"):
            raise AlreadyDecided(row["state"])
        return _move(conn, row, "withdrawn", user.id, "", now)


def approve(
    db: Database,
    admin: User,
    claim_id: int,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Claim:
    """An admin approves a pending claim: its account holds the name from now on (and is mailed
    so, given the site's ``settings``). Raises NotAdmin, NoSuchClaim, AlreadyDecided, NameTaken
    (another account holds the name)."""
    try:
        with db.write() as conn:
            row = _decidable(conn, admin, claim_id, "pending")
            held = claim_store.approved_for(conn, [row["name_key"]])
            if held:
                raise NameTaken(held[0]["username"])
            decided = _move(conn, row, "approved", admin.id, "", now, settings)
    except IntegrityError:  # another admin approved another claim of this name at this instant
        raise NameTaken("another account") from None
    return _mailed(decided, settings)


# An admin's verdict with a reason, and the move it makes: a pending claim is rejected, an
# approved one revoked (its account no longer holds the name).
VERDICTS = {"reject": ("pending", "rejected"), "revoke": ("approved", "revoked")}
Verdict = Literal["reject", "revoke"]


def decide(
    db: Database,
    admin: User,
    claim_id: int,
    verdict: Verdict,
    reason: str,
    *,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> Claim:
    """An admin rejects a pending claim or revokes an approved one (``verdict``, see VERDICTS),
    saying why; the claimant is mailed the reason, given the site's ``settings``. Raises NotAdmin,
    InvalidReason, NoSuchClaim, AlreadyDecided."""
    said = _reason(reason)
    before, after = VERDICTS[verdict]
    with db.write() as conn:
        row = _decidable(conn, admin, claim_id, before)
        decided = _move(conn, row, after, admin.id, said, now, settings)
    return _mailed(decided, settings)


def queue(db: Database, admin: User) -> tuple[list[Claim], list[Claim]]:
    """What the admins' page lists: the pending claims (oldest first) and the approved ones.
    Raises NotAdmin."""
    if not admin.is_admin:
        raise NotAdmin()
    with db.read() as conn:
        return (
            [Claim.from_row(r) for r in claim_store.in_state(conn, "pending", QUEUE_SHOWN)],
            [Claim.from_row(r) for r in claim_store.in_state(conn, "approved", QUEUE_SHOWN)],
        )


def _decidable(conn: Connection, admin: User, claim_id: int, state: str) -> dict:
    """The claim an admin decides, which must be in ``state``."""
    if not admin.is_admin:
        raise NotAdmin()
    row = claim_store.get(conn, claim_id)
    if row is None:
        raise NoSuchClaim()
    if row["state"] != state:
        raise AlreadyDecided(row["state"])
    return row


def _move(
    conn: Connection,
    row: dict,
    to_state: str,
    by: int,
    reason: str,
    now: datetime | None,
    settings: Settings | None = None,
) -> Claim:
    """Move the claim ``row`` to ``to_state``; with ``settings``, queue the claimant's mail
    saying so in the same transaction (a decision is never made without its mail)."""
    when = now or datetime.now(UTC)
    moved = claim_store.move(
        conn, row["id"], from_state=row["state"], to_state=to_state, by=by, reason=reason, now=when
    )
    if not moved:  # another decision committed between our read and this write
        raise AlreadyDecided(claim_store.get(conn, row["id"])["state"])
    if settings is not None:
        _queue_mail(conn, settings, row, to_state, reason, when)
    return Claim.from_row(claim_store.get(conn, row["id"]))


SUBJECTS = {
    "approved": "Your claim of “{name}” was approved",
    "rejected": "Your claim of “{name}” was not approved",
    "revoked": "“{name}” was taken back from your account",
}


def _queue_mail(
    conn: Connection, settings: Settings, row: dict, state: str, reason: str, now: datetime
) -> None:
    name = row["name"]
    mail.send_notice(
        conn,
        settings,
        {**row, "id": row["user_id"]},
        kind="claim",
        ref=row["id"],
        subject=SUBJECTS[state].format(name=name),
        content={
            "name": name,
            "state": state,
            "reason": reason,
            "link": f"{settings.base_url.rstrip('/')}/authors/{quote(name, safe='')}",
        },
        now=now,
    )


def _mailed(decided: Claim, settings: Settings | None) -> Claim:
    """``decided``, once the mail sender of this process is told of its mail (after commit)."""
    if settings is not None:
        mail.wake_sender()
    return decided


def _reason(reason: str) -> str:
    said = " ".join(reason.split())
    if not said:
        raise InvalidReason("Say why: the claimant is shown the reason.")
    if len(said) > MAX_REASON or any(ord(ch) < 32 or ord(ch) == 127 for ch in said):
        raise InvalidReason(f"A reason is at most {MAX_REASON:,} characters of text.")
    return said
