"""A signed-in reader's digest: the settings page's subscription and alerts, and saving them.

An account's digest is the subscription of its address, and only of a *verified* address:
anyone can sign up with a stranger's address, so until its mailed link is followed the account
sees no subscription of that address, cannot change or link one, and its alerts are mailed
nowhere (double opt-in still applies after: a new subscription gets a confirmation mail first).
Alerts are saved searches whose new matches the digest carries; only their owner can list or
delete them.
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


class AddressNotVerified(PermissionError):
    """The account's address is not verified: its digest cannot be set up or changed yet."""

    def __init__(self) -> None:
        super().__init__(
            "Verify your address first: follow the link we mailed you, then choose your digest."
        )


class AddressSuppressed(PermissionError):
    """The account's own address asked never to be mailed (the owner may be told so)."""

    def __init__(self) -> None:
        super().__init__(
            'Your address is on our never-mail list (someone followed a "never mail me again" '
            "link in a mail to it), so no digest can go to it. The site's operator can remove it."
        )


@dataclass(frozen=True)
class AccountDigest:
    subscription: Subscription | None
    alerts: list[Alert] = field(default_factory=list)
    verified: bool = True  # False: the address is only a claim, nothing of it is shown


def of(db: Database, user: User) -> AccountDigest:
    """The subscription the account's digest settings show (its verified address's), and the
    account's alerts."""
    with db.read() as conn:
        mine = search_store.for_owner(conn, user_id=user.id, subscription_id=None)
        alerts = [Alert.from_row(a) for a in mine]
        if not (user.email and user.email_verified):
            return AccountDigest(None, alerts, verified=False)
        row = subscription_store.get_by_email(conn, user.email)
    return AccountDigest(Subscription.from_row(row) if row else None, alerts)


def save_preferences(
    db: Database, settings: Settings, user: User, wanted: dict[str, Any]
) -> Subscription:
    """Subscribe the account's verified address (if it is not yet) with these preferences.

    Raises AddressNotVerified, AddressSuppressed or subscriptions.InvalidPreferences.
    """
    preferences = subscriptions.clean_preferences(wanted)
    if not (user.email and user.email_verified):
        raise AddressNotVerified()
    subscribed = subscriptions.subscribe(db, settings, user.email, user_id=user.id)
    if subscribed.subscription_id is None:
        raise AddressSuppressed()
    return subscriptions.update_preferences(db, subscribed.subscription_id, preferences)


def save_alert(db: Database, user: User, query: str, filters: dict[str, str]) -> int:
    """Keep a search as an alert (saving the same one twice keeps one); returns its id."""
    with db.write() as conn:
        return search_store.add(conn, query, filters, datetime.now(UTC), user_id=user.id)


def delete_alert(db: Database, user: User, alert_id: int) -> bool:
    """Delete one of ``user``'s alerts; False when they have no such alert."""
    with db.write() as conn:
        return search_store.remove(conn, alert_id, user_id=user.id)
