"""Local accounts: sign up with a username, an email and a password; sign in; a user's page.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second recommended set:
64 MiB, 3 passes, 4 lanes; about 0.1 s here). Sign-in spends the same time whether or not the name
exists, so response times do not tell which accounts exist. Errors are :class:`AccountError`
carrying one message per form field, so a form can show each next to its field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError

from dailypapers.accounts import throttle as sign_in_limits
from dailypapers.db.engine import Database
from dailypapers.store import feed as feed_store
from dailypapers.store import users as user_store
from dailypapers.store import votes as vote_store

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{1,31}")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
# Paths under /users/ that would read as something else.
RESERVED = frozenset({"me", "new", "settings", "admin", "api", "signin", "signup", "signout"})

hasher = PasswordHasher()
# Verified against when the login names nobody, so a miss costs as much as a wrong password.
_DUMMY_HASH = hasher.hash("not a password anyone has")


class AccountError(ValueError):
    """Refused input; ``errors`` maps form fields (username, email, password, login) to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def check_username(username: str) -> str | None:
    """Why ``username`` cannot be used, or None."""
    if not USERNAME.fullmatch(username):
        return ("Use 2 to 32 letters, digits, '-' or '_', starting with a letter or digit.")
    if username.lower() in RESERVED:
        return f"“{username}” is reserved; pick another name."
    return None


def sign_up(db: Database, username: str, email: str, password: str) -> dict[str, Any]:
    """Create a local account; returns the user row. Raises AccountError naming each bad field."""
    username, email = username.strip(), email.strip()
    errors: dict[str, str] = {}
    if problem := check_username(username):
        errors["username"] = problem
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        errors["email"] = str(error)
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Use at least {MIN_PASSWORD} characters."
    elif len(password) > MAX_PASSWORD:
        errors["password"] = f"Use at most {MAX_PASSWORD} characters."
    elif password.strip().lower() == username.lower():
        errors["password"] = "The password cannot be your username."
    if errors:
        raise AccountError(errors)
    password_hash = hasher.hash(password)
    try:
        with db.write() as conn:
            if user_store.username_taken(conn, username):
                errors["username"] = f"“{username}” is taken; pick another name."
            if user_store.email_taken(conn, email):
                errors["email"] = "An account with this email exists; sign in instead."
            if errors:
                raise AccountError(errors)
            user_id = user_store.create(conn, username, email, password_hash)
            return user_store.get(conn, user_id)
    except IntegrityError:  # the same name or email signed up at the same instant
        raise AccountError({"username": "This name or email was just taken; try another."}) \
            from None


def authenticate(db: Database, login: str, password: str, *, address: str = "unknown",
                 limits: sign_in_limits.Limits | None = None,
                 now: datetime | None = None) -> dict[str, Any] | None:
    """The account ``login`` (username or email) names, if ``password`` is its password.

    With ``limits``, repeated failures for the login or from ``address`` (the client's IP) raise
    :class:`sign_in_limits.Throttled` before any password is checked.
    """
    login = login.strip()
    if not login or len(password) > MAX_PASSWORD:
        return None
    now = now or datetime.now(UTC)
    with db.read() as conn:
        failed_before = (sign_in_limits.check(conn, limits, login, address, now)
                         if limits else False)
        user = user_store.get_for_login(conn, login)
    stored = user["password_hash"] if user else _DUMMY_HASH
    try:
        hasher.verify(stored, password)
        matched = user is not None
    except (VerificationError, InvalidHashError):
        matched = False
    if not matched:
        if limits:
            with db.write() as conn:
                sign_in_limits.record_failure(conn, limits, login, address, now)
        return None
    if failed_before:
        with db.write() as conn:
            sign_in_limits.clear(conn, login)
    if hasher.check_needs_rehash(stored):  # parameters were raised since this hash was made
        with db.write() as conn:
            user_store.set_password_hash(conn, user["id"], hasher.hash(password))
    return user


@dataclass
class Profile:
    user: dict[str, Any]
    submitted: list[dict[str, Any]] = field(default_factory=list)
    submitted_total: int = 0
    upvoted: list[dict[str, Any]] = field(default_factory=list)
    page: int = 1
    pages: int = 1


PROFILE_PAGE_SIZE = 30


def profile(db: Database, username: str, *, page: int = 1,
            viewer_id: int | None = None) -> Profile | None:
    """What ``/users/{username}`` shows: papers they submitted (newest first, paged) and upvoted."""
    everything = (date.min, date.max)
    with db.read() as conn:
        user = user_store.get_by_username(conn, username)
        if user is None:
            return None
        total = feed_store.count_cards(conn, *everything, submitter_id=user["id"])
        submitted = feed_store.cards(conn, *everything, submitter_id=user["id"],
                                     order="submitted", limit=PROFILE_PAGE_SIZE,
                                     offset=(page - 1) * PROFILE_PAGE_SIZE)
        upvoted = vote_store.papers_voted_by(conn, user["id"], limit=100) if page == 1 else []
        mine = vote_store.voted(conn, viewer_id, (c["id"] for c in submitted))
    for card in submitted:
        card["upvoted"] = card["id"] in mine
    pages = max(1, -(-total // PROFILE_PAGE_SIZE))
    return Profile(user, submitted, total, upvoted, page, pages)
