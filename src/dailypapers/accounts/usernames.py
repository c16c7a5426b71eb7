"""What a new username may be: its shape, the names kept for the site, and no look-alike of a name
someone has (``aIice`` beside ``alice``, ``adm1n``), judged by the folded key the store keeps
(:func:`dailypapers.store.users.username_key`)."""

from __future__ import annotations

import re

from sqlalchemy import Connection

from dailypapers.store import users as user_store

USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{1,31}")
# Paths under /users/ that would read as something else, and names people take for the site's
# own staff or addresses (a "support" or "security" account could ask others for their password).
# fmt: off
RESERVED = frozenset(
    {
        # paths
        "me", "new", "settings", "api", "signin", "signup", "signout", "account", "accounts",
        "users", "user", "papers", "feeds", "search", "submit", "static", "docs", "login",
        "logout", "register", "verify", "reset", "digest", "for-you",
        # the site and its people
        "root", "admin", "administrator", "admins", "dailypapers", "daily-papers", "support",
        "security", "postmaster", "hostmaster", "abuse", "webmaster", "staff", "moderator",
        "moderators", "mod", "system", "sysadmin", "operator", "official", "team", "help",
        "info", "contact", "noreply", "no-reply", "owner",
        # words a program may confuse with nobody
        "null", "none", "nil", "undefined", "anonymous", "guest", "everyone", "all",
        # hosts and protocols
        "www", "mail", "email", "smtp", "ftp", "http", "https", "localhost",
    }
)
# fmt: on
_RESERVED_KEYS = frozenset(user_store.username_key(name) for name in RESERVED)


def shape_problem(username: str) -> str | None:
    """Why ``username`` cannot be used whoever else exists, or None."""
    if not USERNAME.fullmatch(username):
        return "Use 2 to 32 letters, digits, '-' or '_', starting with a letter or digit."
    if user_store.username_key(username) in _RESERVED_KEYS:
        return f"“{username}” is reserved; pick another name."
    return None


def taken_problem(conn: Connection, username: str) -> str | None:
    """Why ``username`` cannot be used beside the names already taken, or None."""
    if user_store.username_taken(conn, username):
        return f"“{username}” is taken; pick another name."
    user_store.fill_missing_keys(conn)
    if user_store.key_taken(conn, user_store.username_key(username)):
        return f"“{username}” looks too much like an existing name; pick another."
    return None
