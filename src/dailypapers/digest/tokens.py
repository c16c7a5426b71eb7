"""Signed tokens in mail links: confirmation (expires, works once), unsubscribe / preferences
(does not expire) and "never mail me again" (names an address, not a subscription).

Tokens are itsdangerous signatures with the site's secret key and a salt per purpose, so a token
for one purpose never works for another, and none can be guessed. Subscription tokens sign
(subscription id, address), checked against the stored address, so a token outlives nothing it
should not. A confirmation token also signs the subscription's ``confirm_nonce``, which
confirming and unsubscribing replace: each confirmation link works once, and none made before an
unsubscribe can subscribe the address again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from dailypapers.config import Settings

CONFIRM_SALT = "dailypapers.digest.confirm"
UNSUBSCRIBE_SALT = "dailypapers.digest.unsubscribe"
NEVER_MAIL_SALT = "dailypapers.digest.never-mail"


# A week: people confirm within minutes or after their weekend, rarely later.
CONFIRM_MAX_AGE = timedelta(days=7)


class TokenInvalid(ValueError):
    """Tampered with, cut short, or signed with another key."""


class TokenExpired(ValueError):
    """Genuine but too old (confirmation links only)."""


class TokenUsed(ValueError):
    """Genuine, but a confirmation link that was followed already or replaced since (by a
    confirmation or an unsubscribe): it changes nothing any more."""


def confirm_token(settings: Settings, subscription_id: int, email: str, nonce: str) -> str:
    serializer = URLSafeTimedSerializer(settings.resolved_secret_key, salt=CONFIRM_SALT)
    return serializer.dumps([subscription_id, email.lower(), nonce])


def read_confirm_token(
    settings: Settings, token: str, now: datetime | None = None
) -> tuple[int, str, str]:
    """(subscription id, address, nonce) of a genuine confirmation token that has not expired."""
    serializer = URLSafeTimedSerializer(settings.resolved_secret_key, salt=CONFIRM_SALT)
    try:
        payload, signed_at = serializer.loads(token, return_timestamp=True)
    except BadSignature as error:
        raise _not_ours() from error
    now = now or datetime.now(UTC)
    if now - signed_at > CONFIRM_MAX_AGE:
        raise TokenExpired("this confirmation link has expired")
    if not isinstance(payload, list) or len(payload) != 3 or not isinstance(payload[2], str):
        raise _not_ours()
    subscription_id, email = _unpack(payload[:2])
    return subscription_id, email, payload[2]


def unsubscribe_token(settings: Settings, subscription_id: int, email: str) -> str:
    serializer = URLSafeSerializer(settings.resolved_secret_key, salt=UNSUBSCRIBE_SALT)
    return serializer.dumps([subscription_id, email.lower()])


def read_unsubscribe_token(settings: Settings, token: str) -> tuple[int, str]:
    serializer = URLSafeSerializer(settings.resolved_secret_key, salt=UNSUBSCRIBE_SALT)
    try:
        return _unpack(serializer.loads(token))
    except BadSignature as error:
        raise _not_ours() from error


def never_mail_token(settings: Settings, email: str) -> str:
    """The token of an address's "never mail me again" link, in every mail to it."""
    serializer = URLSafeSerializer(settings.resolved_secret_key, salt=NEVER_MAIL_SALT)
    return serializer.dumps(email.lower())


def read_never_mail_token(settings: Settings, token: str) -> str:
    serializer = URLSafeSerializer(settings.resolved_secret_key, salt=NEVER_MAIL_SALT)
    try:
        email = serializer.loads(token)
    except BadSignature as error:
        raise _not_ours() from error
    if not isinstance(email, str) or "@" not in email:
        raise _not_ours()
    return email


def _not_ours() -> TokenInvalid:
    return TokenInvalid("this link is not one we sent (it may be cut short)")


def _unpack(payload: object) -> tuple[int, str]:
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not isinstance(payload[0], int)
        or not isinstance(payload[1], str)
    ):
        raise TokenInvalid("this link is not one we sent")
    return payload[0], payload[1]
