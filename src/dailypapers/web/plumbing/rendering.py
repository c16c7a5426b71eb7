"""The one way the site renders HTML: :func:`render`, over one Jinja2 environment.

Templates get ``current_user`` (the signed-in user, or None) and ``csrf_token()`` (starts a
session when called) from the context processor, so any page extending ``base.html`` works
without passing them. Async routes load the viewer before they render (``auth.viewer``, in a
worker thread), so rendering on the event loop never touches the database. Templates are compiled
once per process (``auto_reload`` off): the site reads them from the installed package.
Security headers are added to every response by :class:`headers.SecurityHeaders`, not here.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from pathlib import Path
from typing import Any

import jinja2
from cachetools import LRUCache
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

from dailypapers.papers import discussion
from dailypapers.papers.records import Card
from dailypapers.web.plumbing import highlighting, sessions, text

WEB = Path(__file__).resolve().parents[1]
# Rendered card bodies kept per process: a few days of feed pages and the searches over them.
CARD_BODIES = 4096


def _site_context(request: Request) -> dict[str, Any]:
    session = sessions.of_scope(request.scope)
    if session is not None and session.signed_in and not session.loaded and not _on_event_loop():
        # A sync route that rendered without loading the viewer: look them up here, in its
        # worker thread. On the event loop this would block the worker, so routes there load
        # the viewer first (``auth.viewer``).
        sessions.load_user(request.app.state.db, session)
    return {
        "current_user": session.user if session is not None else None,
        "csrf_token": (lambda: session.csrf_token) if session is not None else (lambda: ""),
    }


def _on_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def marked_paragraphs(segments: list[tuple[str, bool]] | None) -> list[highlighting.Segments]:
    """Highlight segments of an abstract, cut into the same paragraphs as the feed cards'."""
    return highlighting.paragraphs(segments, text.paragraphs)


def asset_version() -> str:
    """A short hash of the static files, appended to their URLs so browsers may keep them."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted((WEB / "static").rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:10]


class CardBodies:
    """Rendered card texts, reused while what they show is unchanged.

    The key holds every value the text depends on that can change: the paper's modification
    time (the ingest pipeline moves it on any content change), its comment count, and the feed
    entry's day and submitter. Votes are not part of it: the vote button is drawn apart.
    """

    def __init__(self, env: jinja2.Environment, size: int = CARD_BODIES):
        self.env = env
        self._bodies: LRUCache[tuple, Markup] = LRUCache(maxsize=size)
        self._lock = threading.Lock()

    def __call__(self, card: Card, show_day: bool) -> Markup:
        key = (
            card.id,
            card.modified_at,
            card.num_comments,
            card.feed_day,
            card.submitter_username,
            bool(show_day),
        )
        with self._lock:
            body = self._bodies.get(key)
        if body is None:
            body = Markup(
                self.env.get_template("_card_body.html").render(c=card, show_day=show_day)
            )
            with self._lock:
                self._bodies[key] = body
        return body


FILTERS = (
    text.authors_short,
    text.nice_date,
    text.preview,
    text.paragraphs,
    text.paper_path,
    text.github_name,
    highlighting.marked,
    highlighting.excerpt,
    marked_paragraphs,
)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB / "templates"),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        auto_reload=False,
        cache_size=400,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update({f.__name__: f for f in FILTERS})  # a filter is called by its name
    env.globals.update(
        count_of=text.count_of, asset_version=asset_version(), may_delete=discussion.may_delete
    )
    env.globals["card_body"] = CardBodies(env)
    return env


templates = Jinja2Templates(env=_environment(), context_processors=[_site_context])


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page (or an htmx fragment)."""
    return templates.TemplateResponse(
        request, name, context or {}, status_code=status_code, headers=headers
    )
