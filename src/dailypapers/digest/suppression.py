"""The "never mail me again" link in every mail's footer puts its address on the suppression
list, and from then on nothing is queued or sent to it, whoever asks and whatever the kind.

That includes an account's mail (address verification, password reset): the list is the
address owner's word that no mail is wanted, and mail a stranger can trigger (signing up or
asking for a reset with someone else's address) is exactly what it must stop. An owner who
changes their mind asks the site's operator, who deletes the row from ``suppressions``.

The link names the address (a signed token, no expiry), not a subscription, so it works in
mail to addresses that have none. Following it shows a button; only the POST records anything
(mail scanners follow links).
"""

from __future__ import annotations

from datetime import UTC, datetime

from dailypapers.config import Settings
from dailypapers.db import Database
from dailypapers.digest import render, tokens
from dailypapers.digest.subscriptions import new_nonce
from dailypapers.store import subscriptions as subscription_store
from dailypapers.store import suppressions as suppression_store


def link(settings: Settings, email: str) -> str:
    """The address's "never mail me again" page."""
    return render.never_mail_url(settings, email)


def address_of(settings: Settings, token: str) -> str:
    """The address a never-mail token names; raises tokens.TokenInvalid."""
    return tokens.read_never_mail_token(settings, token)


def never_mail(db: Database, settings: Settings, token: str, now: datetime | None = None) -> str:
    """Suppress the token's address (idempotent) and end its subscription, which voids its
    confirmation links; queued mail to it is cancelled by the sender. Returns the address."""
    email = address_of(settings, token)
    now = now or datetime.now(UTC)
    with db.write() as conn:
        suppression_store.add(conn, email, now)
        row = subscription_store.get_by_email(conn, email)
        if row is not None:
            subscription_store.unsubscribe(conn, row["id"], new_nonce(), now)
    return email
