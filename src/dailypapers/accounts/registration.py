"""Signing up: a username, an email and a password, each checked with a message for its field.

The new account's address is unverified: sign-up mails a link (``accounts.mail``) and until it
is followed the address is only a claim. So an address blocks a sign-up only when an account
has verified it, and someone who signs up with another person's address gains nothing by it.
Sign-ups are limited per client network (:data:`SIGN_UPS`), so one machine cannot mint accounts
or mail strangers' addresses in bulk.

Errors are :class:`AccountError` carrying one message per form field, so a form can show each
next to its field.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from dailypapers.accounts import mail, password_rules, passwords, quotas, usernames
from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import users as user_store

# Five an hour lets a household or a class behind one address sign up together; a script
# making accounts (or mailing verification links to strangers) gets five an hour, not thousands.
SIGN_UPS = quotas.Quota("sign_up", 5, timedelta(hours=1), "sign-ups from your network")
# Verification mails to one account: the sign-up's own and two resends an hour.
VERIFY_MAILS = quotas.Quota("verify_mail", 3, timedelta(hours=1), "verification mails")


class AccountError(ValueError):
    """Refused input; ``errors`` maps form fields (username, email, password, login) to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def sign_up(
    db: Database,
    settings: Settings,
    username: str,
    email: str,
    password: str,
    *,
    address: str | None = None,
    now: datetime | None = None,
) -> User:
    """Create a local account with an unverified email and queue its verification mail.
    ``address`` is the client's (counted against :data:`SIGN_UPS`; None for tools that are not
    a client). Raises AccountError naming each bad field, SignUpsExceeded or passwords.Busy."""
    now = now or datetime.now(UTC)
    username, email = _checked_fields(username, email, password)
    with db.write() as conn:  # refused names cost no quota: the whole transaction rolls back
        _refuse_taken(conn, username, email)
        if address is not None:
            _take_sign_up(conn, address, now)
    password_hash = passwords.hash_password(password)
    try:
        with db.write() as conn:
            _refuse_taken(conn, username, email)
            user_id = user_store.create(conn, username, email, password_hash)
            row = user_store.get_public(conn, user_id)
            quotas.take(conn, VERIFY_MAILS, f"user:{user_id}", now)
            mail.send_link(conn, settings, row, mail.VERIFY, now)
    except IntegrityError:  # the same name signed up at the same instant
        raise AccountError({"username": "This name was just taken; try another."}) from None
    mail.wake_sender()
    return User.from_row(row)


def _checked_fields(username: str, email: str, password: str) -> tuple[str, str]:
    """The username and normalised email, or AccountError naming each bad field."""
    username, email = username.strip(), email.strip()
    errors: dict[str, str] = {}
    if problem := usernames.shape_problem(username):
        errors["username"] = problem
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        errors["email"] = str(error)
    if problem := password_rules.problem(password, username, email):
        errors["password"] = problem
    if errors:
        raise AccountError(errors)
    return username, email


def _refuse_taken(conn: Connection, username: str, email: str) -> None:
    errors: dict[str, str] = {}
    if problem := usernames.taken_problem(conn, username):
        errors["username"] = problem
    if user_store.email_verified_by_other(conn, email):
        errors["email"] = "An account with this email exists; sign in instead."
    if errors:
        raise AccountError(errors)


def _take_sign_up(conn: Connection, address: str, now: datetime) -> None:
    try:
        quotas.take(conn, SIGN_UPS, quotas.network_of(address), now)
    except quotas.Exceeded as exceeded:
        raise SignUpsExceeded(exceeded.quota, exceeded.retry_after) from None


class SignUpsExceeded(quotas.Exceeded):
    """Too many sign-ups from the client's network lately."""


def find(db: Database, username: str) -> User | None:
    """The user called ``username`` (any case), or None."""
    with db.read() as conn:
        row = user_store.get_by_username(conn, username)
    return User.from_row(row) if row else None
