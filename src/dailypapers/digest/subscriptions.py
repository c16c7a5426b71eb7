"""Subscribing with just an address, double opt-in, one-click unsubscribe, preferences.

Nothing but confirmation mail goes to an address until its signed link is followed, and little
of that: one an hour at most, ``CONFIRMATIONS_PER_ADDRESS`` in all until the address confirms,
none to an address on the suppression list, and ``SUBSCRIBE_QUOTA`` requests per client network,
so the form cannot be used to flood anyone's inbox. Asking again is idempotent (one subscription
per address), and the answer is the same whatever the address's state (new, subscribed, capped,
suppressed): the form reveals nothing about an address. A confirmation link works once, and an
unsubscribe voids every link sent before it (``tokens``).

Addresses are stored as email-validator normalises them (an internationalised domain in
Unicode); mail goes to their ASCII form (``render.envelope_recipient``). A local part that is
not ASCII would need SMTPUTF8 of every relay on the way, so it is refused with a message.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection

from dailypapers import background
from dailypapers.accounts import quotas
from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.digest import render, schedule, tokens
from dailypapers.digest.compose import SECTIONS
from dailypapers.digest.records import Subscription
from dailypapers.store import outbox as outbox_store
from dailypapers.store import subscriptions as subscription_store
from dailypapers.store import suppressions as suppression_store

MAX_EMAIL_LENGTH = 254


# New subscriptions get their digest at 7 in the morning, local time: read with breakfast.
DEFAULT_SEND_HOUR = 7
# Confirmation mails an address gets until it confirms: enough for one lost in a spam folder and
# a retry the next day, too few to be a way of mailing someone over and over.
CONFIRMATIONS_PER_ADDRESS = 3
# Subscribe requests one client network may make: a household or an office subscribing a few
# addresses passes; a script walking a list of strangers' addresses stops after ten an hour.
SUBSCRIBE_QUOTA = quotas.Quota(
    "subscribe", 10, timedelta(hours=1), "subscription requests from your network"
)


class InvalidEmail(ValueError):
    """An address we refuse, with a message to show next to the field."""


class InvalidPreferences(ValueError):
    pass


@dataclass(frozen=True)
class Subscribed:
    subscription_id: int | None  # None: the address is suppressed (nothing was stored)
    email: str
    # False: already confirmed, a confirmation went out this hour, the address had its
    # confirmations, or it is suppressed
    confirmation_queued: bool


def normalise_email(raw: str) -> str:
    """The address in canonical form, or InvalidEmail saying what is wrong with it."""
    if raw is None or not raw.strip():
        raise InvalidEmail("Enter your email address.")
    text = raw.strip()
    if any(c in text for c in "\r\n\0"):
        raise InvalidEmail("An email address cannot contain line breaks.")
    if any(c in text for c in ",;<>") or len(text.split()) > 1:
        raise InvalidEmail("Enter one email address only, without a name (like name@example.org).")
    if len(text) > MAX_EMAIL_LENGTH:
        raise InvalidEmail(f"An email address has at most {MAX_EMAIL_LENGTH} characters.")
    if not text.rpartition("@")[0].isascii():
        raise InvalidEmail(
            "We cannot mail an address with accents or other non-ASCII letters before the @ "
            "(most mail servers on the way would refuse it). Use another address."
        )
    try:
        result = validate_email(
            text,
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
        )
    except EmailNotValidError as error:
        raise InvalidEmail(f"This is not a valid email address: {error}") from error
    return result.normalized


def new_nonce() -> str:
    """What the next confirmation links of a subscription carry (fits confirm_nonce's 32)."""
    return secrets.token_urlsafe(16)


def subscribe(
    db: Database,
    settings: Settings,
    raw_email: str,
    *,
    client_address: str | None = None,
    user_id: int | None = None,
    now: datetime | None = None,
    **preferences: Any,
) -> Subscribed:
    """Subscribe an address (a confirmation mail first). ``client_address`` (the form's caller)
    is counted against ``SUBSCRIBE_QUOTA``: quotas.Exceeded past it. Raises InvalidEmail."""
    email = normalise_email(raw_email)
    now = now or datetime.now(UTC)
    if preferences:
        preferences = clean_preferences(preferences)
    with db.write() as conn:
        if client_address is not None:
            quotas.take(conn, SUBSCRIBE_QUOTA, quotas.network_of(client_address), now)
        if suppression_store.contains(conn, email):
            return Subscribed(None, email, confirmation_queued=False)
        row = _subscription_for(conn, email, user_id, now, preferences)
        if row["confirmed_at"] is not None and row["unsubscribed_at"] is None:
            return Subscribed(row["id"], row["email"], confirmation_queued=False)
        queued = _queue_confirmation(conn, settings, row, now)
    if queued:
        background.wake("mail")  # after the commit: the mail job finds the row at once
    return Subscribed(row["id"], row["email"], confirmation_queued=queued)


def _subscription_for(
    conn: Connection, email: str, user_id: int | None, now: datetime, preferences: dict
) -> dict[str, Any]:
    """The address's subscription, made if new, reopened if it had unsubscribed, linked to
    ``user_id`` (an account whose verified address it is) if given."""
    row = subscription_store.get_by_email(conn, email)
    if row is None:
        defaults = {"send_hour": DEFAULT_SEND_HOUR, **preferences}
        return subscription_store.create(conn, email, new_nonce(), now, user_id=user_id, **defaults)
    if row["unsubscribed_at"] is not None and row["confirmed_at"] is not None:
        subscription_store.reopen(conn, row["id"], now)
    if user_id is not None and row["user_id"] != user_id:
        subscription_store.link_user(conn, row["id"], user_id, now)
    return subscription_store.get(conn, row["id"])


def confirm(
    db: Database, settings: Settings, token: str, now: datetime | None = None
) -> Subscription:
    """Confirm the subscription a confirmation token names, once; raises tokens.TokenInvalid,
    TokenExpired or TokenUsed (followed already, or voided by a later unsubscribe)."""
    now = now or datetime.now(UTC)
    subscription_id, email, nonce = tokens.read_confirm_token(settings, token, now)
    with db.write() as conn:
        _check_confirm_link(subscription_store.get(conn, subscription_id), email, nonce)
        if not subscription_store.confirm(conn, subscription_id, nonce, new_nonce(), now):
            raise _link_used()  # another click confirmed it a moment ago
        return Subscription.from_row(subscription_store.get(conn, subscription_id))


def check_confirm_link(
    db: Database, settings: Settings, token: str, now: datetime | None = None
) -> None:
    """Raise what confirming with ``token`` would raise, changing nothing (the page a
    confirmation link opens, before its button is pressed)."""
    subscription_id, email, nonce = tokens.read_confirm_token(settings, token, now)
    with db.read() as conn:
        _check_confirm_link(subscription_store.get(conn, subscription_id), email, nonce)


def _check_confirm_link(row: dict[str, Any] | None, email: str, nonce: str) -> None:
    if row is None or row["email"].lower() != email:
        raise tokens.TokenInvalid("this link is for a subscription that no longer exists")
    if row["confirm_nonce"] is None or not secrets.compare_digest(row["confirm_nonce"], nonce):
        raise _link_used()


def _link_used() -> tokens.TokenUsed:
    return tokens.TokenUsed("this confirmation link was used already, or a newer mail replaced it")


def from_unsubscribe_token(db: Database, settings: Settings, token: str) -> Subscription:
    """The subscription an unsubscribe/preferences token names; raises tokens.TokenInvalid."""
    subscription_id, email = tokens.read_unsubscribe_token(settings, token)
    with db.read() as conn:
        row = subscription_store.get(conn, subscription_id)
    if row is None or row["email"].lower() != email:
        raise tokens.TokenInvalid("this link is for a subscription that no longer exists")
    return Subscription.from_row(row)


def unsubscribe(
    db: Database, settings: Settings, token: str, now: datetime | None = None
) -> Subscription:
    """One-click unsubscribe (idempotent); queued digests are cancelled with it, and the
    confirmation links sent so far stop working."""
    found = from_unsubscribe_token(db, settings, token)
    with db.write() as conn:
        subscription_store.unsubscribe(conn, found.id, new_nonce(), now or datetime.now(UTC))
        return Subscription.from_row(subscription_store.get(conn, found.id))


def update_preferences(
    db: Database, subscription_id: int, preferences: dict[str, Any], now: datetime | None = None
) -> Subscription:
    """Set a subscription's preferences; raises InvalidPreferences naming what is wrong."""
    cleaned = clean_preferences(preferences)
    with db.write() as conn:
        subscription_store.update_preferences(
            conn, subscription_id, now or datetime.now(UTC), **cleaned
        )
        return Subscription.from_row(subscription_store.get(conn, subscription_id))


def clean_preferences(raw: dict[str, Any]) -> dict[str, Any]:
    """Validated preference values (InvalidPreferences names the field that is wrong)."""
    cleaned: dict[str, Any] = {}
    if "frequency" in raw:
        if raw["frequency"] not in schedule.FREQUENCIES:
            raise InvalidPreferences("Choose a daily (weekdays) or weekly digest.")
        cleaned["frequency"] = raw["frequency"]
    if "timezone" in raw:
        if not schedule.is_timezone(str(raw["timezone"])):
            raise InvalidPreferences(
                f"Unknown time zone {raw['timezone']!r} "
                "(use a name like Europe/Paris or America/New_York)."
            )
        cleaned["timezone"] = str(raw["timezone"])
    for name, low, high in (("send_hour", 0, 23), ("weekly_day", 0, 6)):
        if name in raw:
            try:
                value = int(raw[name])
            except (TypeError, ValueError):
                value = -1
            if not low <= value <= high:
                raise InvalidPreferences(f"{name.replace('_', ' ')} must be {low}-{high}.")
            cleaned[name] = value
    if "content" in raw:
        content = [c for c in SECTIONS if c in set(raw["content"] or ())]
        if not content:
            raise InvalidPreferences("Choose at least one kind of content.")
        cleaned["content"] = content
    return cleaned


def _queue_confirmation(
    conn: Connection, settings: Settings, row: dict[str, Any], now: datetime
) -> bool:
    """Queue this hour's confirmation mail unless it is queued already or the address had its
    ``CONFIRMATIONS_PER_ADDRESS``."""
    if row["confirmations_sent"] >= CONFIRMATIONS_PER_ADDRESS:
        return False
    nonce = row["confirm_nonce"] or new_nonce()  # rows made before links carried one have none
    period = f"confirm:{now:%Y-%m-%dT%H}"
    token = tokens.confirm_token(settings, row["id"], row["email"], nonce)
    inserted = outbox_store.insert(
        conn,
        {
            "subscription_id": row["id"],
            "period": period,
            "kind": "confirmation",
            "recipient": row["email"],
            "message_id": render.new_message_id(settings, "confirm", period, row["id"]),
            "content": {"version": 1, "kind": "confirmation", "token": token},
            "subject": "Confirm your dailypapers subscription",
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": now,
            "composed_at": now,
            "updated_at": now,
        },
    )
    if inserted is None:
        return False
    subscription_store.confirmation_queued(conn, row["id"], nonce, now)
    return True
