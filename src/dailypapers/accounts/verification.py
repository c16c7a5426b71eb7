"""Verifying an account's email: the mailed link proves the reader holds the mailbox.

Following the link shows a button; only pressing it (a POST) verifies, so mail scanners that
fetch every link verify nothing. An address can be verified by one account only: whoever
follows their link first holds it, and a later link for another account is refused.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError

from dailypapers.accounts import mail, quotas
from dailypapers.accounts.records import User
from dailypapers.accounts.registration import VERIFY_MAILS
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import account_tokens as token_store
from dailypapers.store import users as user_store


class LinkNotUsable(LookupError):
    """The link is unknown, used already, or expired."""

    def __init__(self) -> None:
        super().__init__("This link has expired or was used already.")


class AddressTaken(ValueError):
    """Another account verified this address first."""

    def __init__(self) -> None:
        super().__init__("Another account has verified this address.")


class AlreadyVerified(ValueError):
    """The account's address is verified already: there is nothing to resend."""


def pending(db: Database, secret: str, now: datetime | None = None) -> str:
    """The address a usable verification link would verify. Raises LinkNotUsable."""
    with db.read() as conn:
        token = token_store.find_usable(conn, secret, mail.VERIFY.purpose, now or datetime.now(UTC))
    if token is None:
        raise LinkNotUsable()
    return token["email"]


def verify(db: Database, secret: str, now: datetime | None = None) -> User:
    """Verify the address the link was mailed to. Raises LinkNotUsable or AddressTaken (the
    link stays unused then)."""
    now = now or datetime.now(UTC)
    try:
        with db.write() as conn:
            token = token_store.use(conn, secret, mail.VERIFY.purpose, now)
            if token is None:
                raise LinkNotUsable()
            if user_store.email_verified_by_other(conn, token["email"], token["user_id"]):
                raise AddressTaken()
            if not user_store.set_email_verified(conn, token["user_id"], token["email"], now):
                raise LinkNotUsable()  # the account's address is no longer the one mailed
            return User.from_row(user_store.get_public(conn, token["user_id"]))
    except IntegrityError:  # another account verified it at the same instant
        raise AddressTaken() from None


def resend(db: Database, settings: Settings, user: User, now: datetime | None = None) -> None:
    """Mail ``user`` a new verification link. Raises AlreadyVerified, AddressTaken or
    quotas.Exceeded (:data:`~dailypapers.accounts.registration.VERIFY_MAILS`)."""
    now = now or datetime.now(UTC)
    with db.write() as conn:
        row = user_store.get_public(conn, user.id)
        if row is None or row["email_verified_at"] is not None:
            raise AlreadyVerified("Your address is verified already.")
        if user_store.email_verified_by_other(conn, row["email"], user.id):
            raise AddressTaken()
        quotas.take(conn, VERIFY_MAILS, f"user:{user.id}", now)
        mail.send_link(conn, settings, row, mail.VERIFY, now)
    mail.wake_sender()
