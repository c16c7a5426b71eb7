"""Who may claim an author name and who holds one: the rules a claim must pass (each refusal a
named error), what an author's page says of its claims, and the accounts holding the names on a
list of papers.

A claim is of a name key (:func:`dailypapers.name_keys.name_key`), so it covers every spelling
folding to it. Only a name written with a whole first name can be claimed: initials ("J. Smith")
stand for several people, and a claim of them would hand their papers to one account. Asked for
by initials that mean one stored author, the claim is of that author's full name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from dailypapers.accounts.records import User
from dailypapers.authors import names
from dailypapers.authors.records import Claim, ClaimView, claimant
from dailypapers.db.engine import Database
from dailypapers.papers.records import Card
from dailypapers.store import author_claims as claim_store
from dailypapers.store import users as user_store

# Claims waiting for an admin, per account. People publish under a few spellings (with and
# without a middle name, a maiden name): three at once covers them, and one account cannot bury
# the admins' queue. Decided claims no longer count.
MAX_PENDING = 3


class ClaimRefused(Exception):
    """A claim (or a decision of one) the rules do not allow; the message says why."""


class Unverified(ClaimRefused):
    def __init__(self) -> None:
        super().__init__("Confirm your email address first: only verified accounts claim names.")


class NotAnAuthor(ClaimRefused):
    def __init__(self, name: str) -> None:
        super().__init__(f"No stored paper has an author called “{name}”.")


class AmbiguousName(ClaimRefused):
    """Initials, or a name that means several stored authors: nobody can claim it."""


class NameTaken(ClaimRefused):
    def __init__(self, holder: str) -> None:
        super().__init__(f"This name is already claimed by {holder}.")


class AlreadyYours(ClaimRefused):
    def __init__(self, state: str) -> None:
        said = "is waiting for review" if state == "pending" else "was approved"
        super().__init__(f"You have claimed this name already: your claim {said}.")


class TooManyPending(ClaimRefused):
    def __init__(self) -> None:
        super().__init__(
            f"You have {MAX_PENDING} claims waiting for review: claim more once they are decided."
        )


def target(keys: list[str], candidates: Iterable[str]) -> str:
    """The key a claim of a name resolving to ``keys`` (its candidates ``candidates``) is of.
    Raises AmbiguousName."""
    if not keys:
        raise AmbiguousName("This name could mean several authors: claim yours on its own page.")
    main = names.main_key(keys)
    given = names.given_names(main)
    if given and names.is_initial(given[0]):
        raise AmbiguousName("Initials can stand for several people: claim your name in full.")
    return main


def check(conn: Connection, user: Mapping[str, Any], key: str) -> None:
    """Whether ``user`` (a users row) may claim ``key`` now; raises the ClaimRefused saying why
    not."""
    if user["email_verified_at"] is None or user["disabled_at"] is not None:
        raise Unverified()
    mine = claim_store.open_claim(conn, user["id"], key)
    if mine is not None:
        raise AlreadyYours(mine["state"])
    held = claim_store.approved_for(conn, [key])
    if held:
        raise NameTaken(held[0]["username"])
    if claim_store.count_in_state(conn, user["id"], "pending") >= MAX_PENDING:
        raise TooManyPending()


def view(
    conn: Connection, keys: list[str], candidates: Iterable[str], viewer_id: int | None
) -> ClaimView:
    """What the page of an author resolving to ``keys`` says of claims, to ``viewer_id``."""
    held = {row["name_key"]: row for row in claim_store.approved_for(conn, keys)}
    ordered = [names.main_key(keys), *keys] if keys else []
    holder_row = next((held[k] for k in ordered if k in held), None)
    holder = claimant(holder_row) if holder_row else None
    try:
        key = target(keys, candidates)
    except AmbiguousName as refusal:
        return ClaimView(holder=holder, why_not=str(refusal))
    viewer = user_store.get_public(conn, viewer_id) if viewer_id is not None else None
    if viewer is None:
        return ClaimView(key, holder)
    latest = claim_store.latest_of(conn, viewer_id, [key])
    mine = Claim.from_row(latest) if latest else None
    try:
        check(conn, viewer, key)
    except ClaimRefused as refusal:
        return ClaimView(key, holder, mine, why_not=str(refusal))
    return ClaimView(key, holder, mine, claimable=True)


def holders_in(conn: Connection, cards: Iterable[Card]) -> dict[tuple[int, int], User]:
    """{(paper key, author position): the account holding that author's name} for these cards."""
    rows = claim_store.approved_on_papers(conn, (card.id for card in cards))
    return {(row["paper_id"], row["position"]): claimant(row) for row in rows}


def holders(db: Database, cards: Iterable[Card]) -> dict[tuple[int, int], User]:
    """:func:`holders_in` in its own read (for a list of cards the caller already has)."""
    cards = list(cards)
    if not cards:
        return {}
    with db.read() as conn:
        return holders_in(conn, cards)
