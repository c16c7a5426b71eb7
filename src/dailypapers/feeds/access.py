"""Private feeds' reader addresses: ``/feeds/following/<id>/<token>.atom`` for the feed readers
that cannot sign in.

The token is an HMAC-SHA256 of the feed's id and its stored ``token_nonce`` under the site's
secret key: nobody guesses it, the stored nonce alone opens nothing (a copy of the database
without the key reads no private feed), the owner can be shown the address again at any time,
and a new nonce revokes every address handed out before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from dailypapers.config import Settings

NONCE_BYTES = 16  # 128 random bits: the nonce only has to differ each time, the key is secret
_PURPOSE = b"dailypapers.feeds.private-address"


def new_nonce() -> str:
    return secrets.token_hex(NONCE_BYTES)


def token(settings: Settings, feed_id: int, nonce: str) -> str:
    """The token of feed ``feed_id``'s private address while its nonce is ``nonce``."""
    message = b"%s:%d:%s" % (_PURPOSE, feed_id, nonce.encode())
    digest = hmac.new(settings.resolved_secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def opens(settings: Settings, feed_id: int, nonce: str, presented: str) -> bool:
    """Whether ``presented`` is the token of the feed's address (compared in constant time)."""
    expected = token(settings, feed_id, nonce).encode()
    return hmac.compare_digest(expected, presented.encode("utf-8", "surrogatepass"))
