"""A signed-in reader's digest: the settings page's subscription and alerts, and saving them.

An account's digest is the subscription of its address (double opt-in still applies: a new
one gets a confirmation mail first). Alerts are saved searches whose new matches the digest
carries; only their owner can list or delete them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.digest import subscriptions
from dailypapers.digest.records import Alert, Subscription
from dailypapers.store import saved_searches as search_store
from dailypapers.store import subscriptions as subscription_store


@dataclass(frozen=True)
class AccountDigest:
    subscription: Subscription | None
    alerts: list[Alert] = field(default_factory=list)


def of(db: Database, user: User) -> AccountDigest:
    """The subscription the account's digest settings show, and the account's alerts."""
    with db.read() as conn:
        row = subscription_store.for_user(conn, user.id)
        if row is None and user.email:
            row = subscription_store.get_by_email(conn, user.email)
        alerts = search_store.for_owner(conn, user_id=user.id, subscription_id=None)
    return AccountDigest(
        Subscription.from_row(row) if row else None, [Alert.from_row(a) for a in alerts]
    )


def save_preferences(
    db: Database, settings: Settings, user: User, wanted: dict[str, Any]
) -> Subscription:
    """Subscribe the account's address (if it is not yet) with these preferences.

    Raises subscriptions.InvalidPreferences or subscriptions.InvalidEmail.
    """
    preferences = subscriptions.clean_preferences(wanted)
    with db.read() as conn:
        row = subscription_store.for_user(conn, user.id)
    if row is None:
        if not user.email:
            raise subscriptions.InvalidEmail("Your account has no email address.")
        subscription_id = subscriptions.subscribe(
            db, settings, user.email, user_id=user.id
        ).subscription_id
    else:
        subscription_id = row["id"]
    return subscriptions.update_preferences(db, subscription_id, preferences)


def save_alert(db: Database, user: User, query: str, filters: dict[str, str]) -> int:
    """Keep a search as an alert (saving the same one twice keeps one); returns its id."""
    with db.write() as conn:
        return search_store.add(conn, query, filters, datetime.now(UTC), user_id=user.id)


def delete_alert(db: Database, user: User, alert_id: int) -> bool:
    """Delete one of ``user``'s alerts; False when they have no such alert."""
    with db.write() as conn:
        return search_store.remove(conn, alert_id, user_id=user.id)
