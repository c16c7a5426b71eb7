"""Subscribing with just an address, double opt-in, one-click unsubscribe, preferences.

Nothing but one confirmation mail goes to an address until its signed link is followed; asking
again is idempotent (one subscription per address, at most one confirmation mail per address per
hour, so the form cannot be used to flood someone's inbox). What the pages say does not reveal
whether an address was already subscribed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Connection

from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.digest import render, schedule, tokens
from dailypapers.digest.compose import SECTIONS
from dailypapers.digest.records import Subscription
from dailypapers.store import outbox as outbox_store
from dailypapers.store import subscriptions as subscription_store

MAX_EMAIL_LENGTH = 254


# New subscriptions get their digest at 7 in the morning, local time: read with breakfast.
DEFAULT_SEND_HOUR = 7


class InvalidEmail(ValueError):
    """An address we refuse, with a message to show next to the field."""


class InvalidPreferences(ValueError):
    pass


@dataclass(frozen=True)
class Subscribed:
    subscription_id: int
    email: str
    confirmation_queued: bool  # False: already confirmed, or a confirmation went out this hour


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


def subscribe(
    db: Database,
    settings: Settings,
    raw_email: str,
    *,
    user_id: int | None = None,
    now: datetime | None = None,
    **preferences: Any,
) -> Subscribed:
    email = normalise_email(raw_email)
    now = now or datetime.now(UTC)
    if preferences:
        preferences = clean_preferences(preferences)
    with db.write() as conn:
        row = subscription_store.get_by_email(conn, email)
        if row is None:
            defaults = {"send_hour": DEFAULT_SEND_HOUR, **preferences}
            row = subscription_store.create(conn, email, now, user_id=user_id, **defaults)
        else:
            if row["unsubscribed_at"] is not None and row["confirmed_at"] is not None:
                subscription_store.reopen(conn, row["id"], now)
                row = subscription_store.get(conn, row["id"])
            if user_id is not None and row["user_id"] is None:
                subscription_store.link_user(conn, row["id"], user_id, now)
        if row["confirmed_at"] is not None and row["unsubscribed_at"] is None:
            return Subscribed(row["id"], row["email"], confirmation_queued=False)
        queued = _queue_confirmation(conn, settings, row, now)
    return Subscribed(row["id"], row["email"], confirmation_queued=queued)


def confirm(
    db: Database, settings: Settings, token: str, now: datetime | None = None
) -> Subscription:
    """Confirm the subscription a confirmation token names; raises tokens.TokenInvalid/Expired."""
    now = now or datetime.now(UTC)
    subscription_id, email = tokens.read_confirm_token(settings, token, now)
    with db.write() as conn:
        row = subscription_store.get(conn, subscription_id)
        if row is None or row["email"].lower() != email:
            raise tokens.TokenInvalid("this link is for a subscription that no longer exists")
        if row["confirmed_at"] is None or row["unsubscribed_at"] is not None:
            subscription_store.confirm(conn, subscription_id, now)
        return Subscription.from_row(subscription_store.get(conn, subscription_id))


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
    """One-click unsubscribe (idempotent); queued digests are cancelled with it."""
    found = from_unsubscribe_token(db, settings, token)
    with db.write() as conn:
        subscription_store.unsubscribe(conn, found.id, now or datetime.now(UTC))
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
    period = f"confirm:{now:%Y-%m-%dT%H}"
    token = tokens.confirm_token(settings, row["id"], row["email"])
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
    return inserted is not None
