"""Links mailed to an account's address: a single-use token (``store.account_tokens``) and the
mail that carries it, queued in the durable outbox (``store.account_mail``) in the caller's
transaction, so a link is never made without its mail nor mailed without being stored.

The link is built from ``DAILYPAPERS_BASE_URL``, never from the request's ``Host`` header: a
forged Host must not turn a reset mail into a link to someone else's site. The digest worker
renders and sends these mails; :func:`wake_sender` tells it at once, after the commit.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection

from dailypapers import background
from dailypapers.config import Settings
from dailypapers.store import account_mail
from dailypapers.store import account_tokens as token_store

# A link sits in an inbox until it is followed. Two days for verifying an address (people read
# mail late); one hour for a password reset (whoever reads the mailbox later must not find a
# working key).
VERIFY_LIFETIME = timedelta(hours=48)
RESET_LIFETIME = timedelta(hours=1)
# Expired tokens are deleted this long after they expired, so "this link has expired" can still
# be told from "this link was never ours" for a while.
KEEP_EXPIRED = timedelta(days=7)


@dataclass(frozen=True)
class Kind:
    purpose: str  # the token's purpose and the outbox row's kind
    lifetime: timedelta
    path: str  # where the link points, under the base URL
    subject: str


VERIFY = Kind("verify", VERIFY_LIFETIME, "/account/verify/", "Confirm your email address")
RESET = Kind("reset", RESET_LIFETIME, "/account/reset/", "Reset your dailypapers password")


def send_link(conn: Connection, settings: Settings, user: dict, kind: Kind, now: datetime) -> str:
    """Make a ``kind`` token for ``user`` (a users row) and queue its mail to the user's address;
    returns the token's secret (for the link only: tests and tools read it from the mail)."""
    token_store.delete_expired(conn, now - KEEP_EXPIRED)
    email = user["email"]
    secret, token_id = token_store.create(
        conn, user["id"], kind.purpose, email, now, now + kind.lifetime
    )
    account_mail.queue(
        conn,
        user_id=user["id"],
        kind=kind.purpose,
        token_id=token_id,
        recipient=email,
        subject=kind.subject,
        message_id=_message_id(settings, kind.purpose, token_id),
        content={
            "kind": kind.purpose,
            "username": user["username"],
            "link": settings.base_url.rstrip("/") + kind.path + secret,
            "expires_hours": int(kind.lifetime.total_seconds() // 3600),
        },
        now=now,
    )


def wake_sender() -> None:
    """Tell the mail sender of this process that account mail is waiting (call after commit)."""
    background.wake("mail")


def _message_id(settings: Settings, kind: str, token_id: int) -> str:
    """A Message-ID stored with the row, so every attempt sends the same one."""
    sender = parseaddr(settings.mail_from)[1]
    domain = sender.rsplit("@", 1)[1] if "@" in sender else urlsplit(settings.base_url).hostname
    return f"<{kind}.{token_id}.{secrets.token_hex(8)}@{domain or 'localhost'}>"


def send_notice(
    conn: Connection,
    settings: Settings,
    user: Mapping[str, Any],
    *,
    kind: str,
    ref: int,
    subject: str,
    content: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue a mail with no link token (a notice, such as a claim decided) to ``user``'s address
    (a users row), ``ref`` naming what it is about; only to a verified address. Whether queued."""
    if not user.get("email") or user.get("email_verified_at") is None:
        return False
    account_mail.queue(
        conn,
        user_id=user["id"],
        kind=kind,
        token_id=ref,
        recipient=user["email"],
        subject=subject,
        message_id=_message_id(settings, kind, ref),
        content={"kind": kind, "username": user["username"], **content},
        now=now,
    )
    return True
