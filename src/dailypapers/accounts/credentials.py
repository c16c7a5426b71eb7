"""Changing a password: in settings with the current one, or by a reset link mailed to the
account's verified address.

Asking for a reset answers the same, in about the same time, whether or not an account has
verified the address: the request is counted (per address typed and per client network) and,
only when a verified, enabled account holds the address, a one-hour single-use link is queued in
the same transaction. A new password voids every unused reset link and ends the account's other
sessions (a reset ends them all: whoever knew the old password is out).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection

from dailypapers.accounts import mail, password_rules, passwords, quotas, throttle
from dailypapers.accounts.records import User
from dailypapers.accounts.registration import AccountError
from dailypapers.accounts.verification import LinkNotUsable
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.store import account_tokens as token_store
from dailypapers.store import sessions as session_store
from dailypapers.store import users as user_store

# Three reset mails an hour to one address (a mistyped or slow inbox gets another try; nobody
# can flood a stranger's inbox); ten requests an hour from one network (a household, while
# someone cycling through addresses is stopped).
RESETS_PER_ADDRESS = quotas.Quota(
    "reset_address", 3, timedelta(hours=1), "reset requests for this address"
)
RESETS_PER_NETWORK = quotas.Quota("reset_network", 10, timedelta(hours=1), "reset requests")
MAX_EMAIL = 320


def request_reset(
    db: Database, settings: Settings, email: str, *, address: str, now: datetime | None = None
) -> None:
    """Mail a reset link if a verified account holds ``email``; the same outcome either way.
    Raises quotas.Exceeded (counted whatever the address, so it tells nothing either)."""
    now = now or datetime.now(UTC)
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        email = email.strip()
    with db.write() as conn:
        quotas.take(conn, RESETS_PER_NETWORK, quotas.network_of(address), now)
        quotas.take(conn, RESETS_PER_ADDRESS, email.lower()[:MAX_EMAIL], now)
        row = user_store.verified_by_email(conn, email)
        if row is not None:
            mail.send_link(conn, settings, row, mail.RESET, now)
    mail.wake_sender()


def reset_pending(db: Database, secret: str, now: datetime | None = None) -> User:
    """Whose password a usable reset link would reset. Raises LinkNotUsable."""
    with db.read() as conn:
        token = token_store.find_usable(conn, secret, mail.RESET.purpose, now or datetime.now(UTC))
        row = user_store.get_public(conn, token["user_id"]) if token else None
    if row is None or row["disabled_at"] is not None:
        raise LinkNotUsable()
    return User.from_row(row)


def reset_password(
    db: Database,
    secret: str,
    new_password: str,
    repeated: str,
    *,
    now: datetime | None = None,
) -> User:
    """Set the password a reset link was mailed for and sign the account out everywhere.
    Raises LinkNotUsable, AccountError (``password``, ``repeated``) or passwords.Busy."""
    now = now or datetime.now(UTC)
    user = reset_pending(db, secret, now)  # no argon2 time spent on a dead link
    _check_new(user, new_password, repeated)
    password_hash = passwords.hash_password(new_password)
    with db.write() as conn:
        token = token_store.use(conn, secret, mail.RESET.purpose, now)
        if token is None or token["user_id"] != user.id:
            raise LinkNotUsable()
        _replace_password(conn, user.id, password_hash, now)
        session_store.delete_for_user(conn, user.id)
        # The mailbox is proven: the account's failed sign-ins no longer hold its owner back.
        quotas.forget(conn, throttle.DEFAULT.per_account_quota, throttle.account_key("", user.id))
    return user


def change_password(
    db: Database,
    user: User,
    current: str,
    new_password: str,
    repeated: str,
    *,
    address: str,
    keep_session: str | None,
    now: datetime | None = None,
) -> None:
    """Replace ``user``'s password after checking the current one (throttled like signing in),
    ending every session but ``keep_session`` (the hash of the one asking). Raises AccountError
    (``current``, ``password``, ``repeated``), throttle.Throttled or passwords.Busy."""
    now = now or datetime.now(UTC)
    _check_new(user, new_password, repeated)
    account = throttle.account_key("", user.id)
    with db.write() as conn:  # the try is counted before the current password is checked
        throttle.reserve(conn, throttle.DEFAULT, account, address, now)
        stored = user_store.password_hash_of(conn, user.id)
    if not passwords.matches(stored, current):
        raise AccountError({"current": "That is not your current password."})
    password_hash = passwords.hash_password(new_password)
    with db.write() as conn:
        throttle.succeeded(conn, throttle.DEFAULT, account)
        _replace_password(conn, user.id, password_hash, now)
        session_store.delete_for_user(conn, user.id, keep=keep_session)


def _check_new(user: User, new_password: str, repeated: str) -> None:
    if problem := password_rules.problem(new_password, user.username, user.email or ""):
        raise AccountError({"password": problem})
    if repeated != new_password:
        raise AccountError({"repeated": "The two new passwords differ."})


def _replace_password(conn: Connection, user_id: int, password_hash: str, now: datetime) -> None:
    user_store.set_password_hash(conn, user_id, password_hash)
    token_store.void(conn, user_id, mail.RESET.purpose, now)
