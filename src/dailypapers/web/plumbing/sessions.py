"""Browser sessions: a signed cookie holding a random token, and who (if anyone) it signs in.

The cookie (``dailypapers_session``) is an itsdangerous-signed, timestamped payload
``{"t": token, "u": 1?}``: ``t`` is 32 random bytes, ``u`` says a signed-in session row may exist.
Only the token's SHA-256 is stored (``store/sessions.py``), so signing out, or an admin deleting
rows, ends a session for good, and a copy of the database signs nobody in. A visitor who never
signs in gets a cookie only when a page needs a CSRF token for them (the sign-in and sign-up
forms), so the pages most people read set no cookie and can be cached.

Cookies are HttpOnly, SameSite=Lax, Path=/, and Secure when the site's base URL is https. Signing
in replaces the token (no session fixation); signing out replaces it again.

A successful sign-in also leaves a device cookie (``dailypapers_device``, Path=/signin, a year):
signed ``{"u": user id, "n": random nonce}``, so the throttle can count this browser's later tries
at that account apart from everyone else's (``accounts.throttle.KnownDevice``). It proves
nothing by itself: a password is still needed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dailypapers.accounts import sessions as account_sessions
from dailypapers.accounts.records import User
from dailypapers.accounts.throttle import KnownDevice
from dailypapers.config import Settings

COOKIE = "dailypapers_session"
DEVICE_COOKIE = "dailypapers_device"
DEVICE_PATH = "/signin"  # only the sign-in form reads it
# A year: a device is known as long as its owner keeps signing in from it now and then.
DEVICE_MAX_AGE = 365 * 86400


@dataclass
class Session:
    """One request's view of the session cookie; changes are written back by the middleware.

    ``signed_in`` is what the cookie claims; ``user`` is who the database says it is, once
    :func:`load_user` has looked (``loaded``).
    """

    codec: SessionCodec
    token: str | None = None
    signed_in: bool = False
    dirty: bool = False
    user: User | None = field(default=None, repr=False)
    loaded: bool = False
    # (session token, its CSRF token): a page with a form on every card asks dozens of times.
    _csrf: tuple[str, str] | None = field(default=None, init=False, repr=False)

    @property
    def csrf_token(self) -> str:
        """The per-session CSRF token; starts a session (sets a cookie) when there is none."""
        if self.token is None:
            self.token = secrets.token_urlsafe(32)
            self.dirty = True
        return self._derived_csrf(self.token)

    def csrf_token_if_any(self) -> str | None:
        return self._derived_csrf(self.token) if self.token else None

    def _derived_csrf(self, token: str) -> str:
        if self._csrf is None or self._csrf[0] != token:  # a new token (signing in) derives anew
            self._csrf = (token, self.codec.csrf_token(token))
        return self._csrf[1]

    @property
    def token_hash(self) -> str | None:
        return _hash(self.token) if self.token else None


class SessionCodec:
    """Signs and reads cookie values, and derives CSRF tokens, with the site's secret key."""

    def __init__(self, settings: Settings):
        secret = settings.resolved_secret_key
        self.max_age = settings.session_days * 86400
        self.secure = settings.base_url.lower().startswith("https://")
        self._serializer = URLSafeTimedSerializer(secret, salt="dailypapers.session")
        self._devices = URLSafeTimedSerializer(secret, salt="dailypapers.device")
        self._csrf_key = hashlib.sha256(b"dailypapers.csrf:" + secret.encode()).digest()

    def dumps(self, session: Session) -> str:
        payload: dict[str, Any] = {"t": session.token}
        if session.signed_in:
            payload["u"] = 1
        return self._serializer.dumps(payload)

    def loads(self, value: str) -> Session:
        try:
            payload = self._serializer.loads(value, max_age=self.max_age)
        except BadSignature:  # forged, from another key, or expired: start over
            return Session(self, dirty=False)
        token = payload.get("t") if isinstance(payload, dict) else None
        if not isinstance(token, str) or not token:
            return Session(self)
        return Session(self, token=token, signed_in=bool(payload.get("u")))

    def csrf_token(self, token: str) -> str:
        return hmac.new(self._csrf_key, token.encode(), hashlib.sha256).hexdigest()

    def set_cookie_header(self, session: Session) -> str:
        if session.token is None:
            return self._cookie(COOKIE, "", 0, "/")
        return self._cookie(COOKIE, self.dumps(session), self.max_age, "/")

    def device_cookie_header(self, user: User) -> str:
        """A Set-Cookie naming this browser a known device of ``user``'s account."""
        value = self._devices.dumps({"u": user.id, "n": secrets.token_urlsafe(16)})
        return self._cookie(DEVICE_COOKIE, value, DEVICE_MAX_AGE, DEVICE_PATH)

    def known_device(self, value: str | None) -> KnownDevice | None:
        """The device a device cookie names, unless it is forged, from another key or too old."""
        if not value:
            return None
        try:
            payload = self._devices.loads(value, max_age=DEVICE_MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(payload, dict):
            return None
        user_id, nonce = payload.get("u"), payload.get("n")
        if not isinstance(user_id, int) or not isinstance(nonce, str) or not nonce:
            return None
        return KnownDevice(user_id, nonce)

    def _cookie(self, name: str, value: str, max_age: int, path: str) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[name] = value
        morsel = cookie[name]
        morsel["max-age"] = max_age
        morsel["path"] = path
        morsel["httponly"] = True
        morsel["samesite"] = "Lax"
        if self.secure:
            morsel["secure"] = True
        return morsel.OutputString()


class SessionMiddleware:
    """Reads the session cookie into ``request.state.session``; writes it back when changed."""

    def __init__(self, app: ASGIApp, codec: SessionCodec):
        self.app = app
        self.codec = codec

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        value = HTTPConnection(scope).cookies.get(COOKIE)
        session = self.codec.loads(value) if value else Session(self.codec)
        scope.setdefault("state", {})["session"] = session

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and session.dirty:
                headers = MutableHeaders(scope=message)
                headers.append("set-cookie", self.codec.set_cookie_header(session))
                # A response that sets a session cookie is for this visitor alone.
                headers["cache-control"] = "private, no-store"
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def of(request: HTTPConnection) -> Session:
    return request.state.session


def of_scope(scope: Scope) -> Session | None:
    return scope.get("state", {}).get("session")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_user(db: Any, session: Session) -> User | None:
    """The signed-in user (one indexed lookup, once per request), or None. Blocking."""
    if session.loaded:
        return session.user
    user = None
    if session.signed_in and session.token:
        user = account_sessions.user_for(db, _hash(session.token))
        if user is None:  # signed out elsewhere, or expired: keep the token, drop the claim
            session.signed_in = False
            session.dirty = True
    session.user, session.loaded = user, True
    return user


def sign_in(db: Any, session: Session, user: User) -> None:
    """Start a signed-in session for ``user`` under a fresh token (no fixation). Blocking."""
    old = session.token_hash if session.signed_in else None
    session.token = secrets.token_urlsafe(32)
    account_sessions.start(
        db, _hash(session.token), user, timedelta(seconds=session.codec.max_age), replacing=old
    )
    session.signed_in = True
    session.dirty = True
    session.user, session.loaded = user, True


def sign_out(db: Any, session: Session) -> None:
    """End the session in the database and hand the browser a fresh anonymous token. Blocking."""
    if session.token:
        account_sessions.end(db, _hash(session.token))
    session.token = secrets.token_urlsafe(32)
    session.signed_in = False
    session.dirty = True
    session.user, session.loaded = None, True


def sign_out_everywhere(db: Any, session: Session, user: User) -> None:
    """End every session of ``user``, this one included. Blocking."""
    account_sessions.end_all(db, user)
    sign_out(db, session)


def known_device(request: HTTPConnection) -> KnownDevice | None:
    """The known device the request's device cookie names, if any."""
    return of(request).codec.known_device(request.cookies.get(DEVICE_COOKIE))


def start_for_user(db: Any, codec: SessionCodec, user: User) -> tuple[str, str]:
    """A signed-in session made without a browser: (cookie value, CSRF token).

    For tests and tools that act as a user over HTTP (the concurrency test, benchmarks).
    """
    session = Session(codec)
    sign_in(db, session, user)
    return codec.dumps(session), session.csrf_token
