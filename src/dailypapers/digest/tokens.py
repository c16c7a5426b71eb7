"""Signed tokens in mail links: confirmation (expires) and unsubscribe / preferences (does not).

Tokens are itsdangerous signatures over (subscription id, address) with the site's secret key and
a salt per purpose, so a token for one purpose never works for another, and none can be guessed.
The address is checked against the stored one, so a token outlives nothing it should not.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from dailypapers.config import Settings

CONFIRM_SALT = "dailypapers.digest.confirm"
UNSUBSCRIBE_SALT = "dailypapers.digest.unsubscribe"


# A week: people confirm within minutes or after their weekend, rarely later.
CONFIRM_MAX_AGE = timedelta(days=7)


class TokenInvalid(ValueError):
    """Tampered with, cut short, or signed with another key."""


class TokenExpired(ValueError):
    """Genuine but too old (confirmation links only)."""


def confirm_token(settings: Settings, subscription_id: int, email: str) -> str:
    serializer = URLSafeTimedSerializer(settings.resolved_secret_key, salt=CONFIRM_SALT)
    return serializer.dumps([subscription_id, email.lower()])


def read_confirm_token(
    settings: Settings, token: str, now: datetime | None = None
) -> tuple[int, str]:
    serializer = URLSafeTimedSerializer(settings.resolved_secret_key, salt=CONFIRM_SALT)
    try:
        payload, signed_at = serializer.loads(token, return_timestamp=True)
    except BadSignature as error:
        raise TokenInvalid("this link is not one we sent (it may be cut short)") from error
    now = now or datetime.now(UTC)
    if now - signed_at > CONFIRM_MAX_AGE:
        raise TokenExpired("this confirmation link has expired")
    return _unpack(payload)


def unsubscribe_token(settings: Settings, subscription_id: int, email: str) -> str:
    serializer = URLSafeSerializer(settings.resolved_secret_key, salt=UNSUBSCRIBE_SALT)
    return serializer.dumps([subscription_id, email.lower()])


def read_unsubscribe_token(settings: Settings, token: str) -> tuple[int, str]:
    serializer = URLSafeSerializer(settings.resolved_secret_key, salt=UNSUBSCRIBE_SALT)
    try:
        return _unpack(serializer.loads(token))
    except BadSignature as error:
        raise TokenInvalid("this link is not one we sent (it may be cut short)") from error


def _unpack(payload: object) -> tuple[int, str]:
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not isinstance(payload[0], int)
        or not isinstance(payload[1], str)
    ):
        raise TokenInvalid("this link is not one we sent")
    return payload[0], payload[1]
