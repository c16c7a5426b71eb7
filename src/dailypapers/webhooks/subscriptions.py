"""Who has which webhook: adding one (its URL checked by the SSRF guard, its signing secret made
and shown once), removing one's own, and listing them by reader or by feed.

A reader may add a webhook to a feed they may read (theirs, or a public one): the feeds
package's rule, asked first. The webhook posts what the feed gets from then on.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from dailypapers.accounts.records import User
from dailypapers.config import Settings
from dailypapers.db.engine import Database
from dailypapers.feeds import service as feeds
from dailypapers.store import webhooks as webhook_store
from dailypapers.webhooks import addresses
from dailypapers.webhooks.errors import InvalidFormat, NoSuchWebhook, NotYours, TooManyWebhooks
from dailypapers.webhooks.records import FORMATS, Webhook

# Webhooks one reader may have: a few per feed for the feeds a person follows. Each sends a
# request per new batch, so this also bounds the posts one account can make this server send.
MAX_PER_USER = 20
SECRET_BYTES = 32  # 256 bits, the HMAC-SHA256 key's own size
SECRET_PREFIX = "whsec_"  # tells a webhook secret from an API token (dp_) in a leak scan


def add(
    db: Database, settings: Settings, *, user: User, feed_id: int, url: str, fmt: str
) -> tuple[Webhook, str]:
    """A new webhook posting feed ``feed_id``'s new papers to ``url`` as ``fmt`` (slack,
    discord or json), and its signing secret, returned this once. Raises
    :class:`~dailypapers.feeds.records.NoSuchFeed` (none that ``user`` may read),
    :class:`InvalidUrl` (the URL's shape, or an address that is not public unless the settings
    allow it), :class:`InvalidFormat`, :class:`TooManyWebhooks`."""
    feeds.readable(db, feed_id, viewer=user)
    user_id = user.id
    if fmt not in FORMATS:
        raise InvalidFormat(f"the format is one of {', '.join(FORMATS)}")
    url = url.strip()
    addresses.check(url, allow_private=settings.webhook_allow_private)
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    with db.write() as conn:
        if webhook_store.count_for_user(conn, user_id) >= MAX_PER_USER:
            raise TooManyWebhooks(
                f"you have {MAX_PER_USER} webhooks, the most one reader may have: remove one first"
            )
        row = webhook_store.insert(
            conn,
            {
                "user_id": user_id,
                "feed_id": feed_id,
                "url": url,
                "format": fmt,
                "secret": secret,
                "state": "active",
                "papers_since": datetime.now(UTC),
            },
        )
    return Webhook.from_row(row), secret


def remove(db: Database, *, user_id: int, webhook_id: int) -> Webhook:
    """Remove one of the reader's webhooks (and what it had left to send); returns it as it
    was. Raises :class:`NoSuchWebhook`, or :class:`NotYours` for someone else's."""
    with db.write() as conn:
        row = webhook_store.get(conn, webhook_id)
        if row is None:
            raise NoSuchWebhook(f"there is no webhook {webhook_id}")
        if row["user_id"] != user_id:
            raise NotYours(f"webhook {webhook_id} belongs to someone else")
        webhook_store.delete_one(conn, webhook_id)
    return Webhook.from_row(row)


def for_user(db: Database, user_id: int) -> list[Webhook]:
    """The reader's webhooks, oldest first, stopped ones with the reason."""
    with db.read() as conn:
        return [Webhook.from_row(row) for row in webhook_store.for_user(conn, user_id)]


def for_feed(db: Database, feed_id: int) -> list[Webhook]:
    """The active webhooks of a feed: those a new batch of its papers is queued for."""
    with db.read() as conn:
        return [Webhook.from_row(row) for row in webhook_store.active_for_feed(conn, feed_id)]
