"""Signing up: a username, an email and a password, each checked with a message for its field.

Errors are :class:`AccountError` carrying one message per form field, so a form can show each
next to its field.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError

from dailypapers.accounts import passwords
from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.store import users as user_store

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{1,31}")
# Paths under /users/ that would read as something else.
RESERVED = frozenset({"me", "new", "settings", "admin", "api", "signin", "signup", "signout"})


class AccountError(ValueError):
    """Refused input; ``errors`` maps form fields (username, email, password, login) to messages."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def check_username(username: str) -> str | None:
    """Why ``username`` cannot be used, or None."""
    if not USERNAME.fullmatch(username):
        return "Use 2 to 32 letters, digits, '-' or '_', starting with a letter or digit."
    if username.lower() in RESERVED:
        return f"“{username}” is reserved; pick another name."
    return None


def _check_password(password: str, username: str) -> str | None:
    if len(password) < passwords.MIN_LENGTH:
        return f"Use at least {passwords.MIN_LENGTH} characters."
    if len(password) > passwords.MAX_LENGTH:
        return f"Use at most {passwords.MAX_LENGTH} characters."
    if password.strip().lower() == username.lower():
        return "The password cannot be your username."
    return None


def sign_up(db: Database, username: str, email: str, password: str) -> User:
    """Create a local account. Raises AccountError naming each bad field."""
    username, email = username.strip(), email.strip()
    errors: dict[str, str] = {}
    if problem := check_username(username):
        errors["username"] = problem
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as error:
        errors["email"] = str(error)
    if problem := _check_password(password, username):
        errors["password"] = problem
    if errors:
        raise AccountError(errors)
    password_hash = passwords.hash_password(password)
    try:
        with db.write() as conn:
            if user_store.username_taken(conn, username):
                errors["username"] = f"“{username}” is taken; pick another name."
            if user_store.email_taken(conn, email):
                errors["email"] = "An account with this email exists; sign in instead."
            if errors:
                raise AccountError(errors)
            user_id = user_store.create(conn, username, email, password_hash)
            return User.from_row(user_store.get(conn, user_id))
    except IntegrityError:  # the same name or email signed up at the same instant
        raise AccountError(
            {"username": "This name or email was just taken; try another."}
        ) from None


def find(db: Database, username: str) -> User | None:
    """The user called ``username`` (any case), or None."""
    with db.read() as conn:
        row = user_store.get_by_username(conn, username)
    return User.from_row(row) if row else None
