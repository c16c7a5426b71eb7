"""The one Jinja2 environment every HTML page renders with, its filters and shared context.

Templates get ``current_user`` (the signed-in user or None) and ``csrf_token()`` (starts a
session when called) from the context processor, so any page extending ``base.html`` works
without passing them. Templates are compiled
once per process (``auto_reload`` off): the site reads them from the installed package.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.responses import HTMLResponse

from dailypapers.web import highlighting, markup, sessions

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    # htmx and KaTeX are served from /static; KaTeX sets inline styles on the math it draws.
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data: https:; font-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}


def _site_context(request: Request) -> dict[str, Any]:
    session = getattr(request.state, "session", None)
    user = None
    if session is not None and session.signed_in:
        # The site's routes load the user before rendering (off the event loop); a route that
        # did not (another area's sync page) gets it looked up here, in its worker thread.
        user = sessions.current_user(request.app.state.db, session)
    return {
        "current_user": user,
        "csrf_token": (lambda: session.csrf_token) if session is not None else (lambda: ""),
    }


def authors_short(authors: list[str] | None, shown: int = 3) -> tuple[list[str], int]:
    """The first ``shown`` authors and how many there are in all."""
    authors = authors or []
    return authors[:shown], len(authors)


def nice_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%b} {value.day}, {value.year}"


def count_of(number: int | None, word: str, plural: str | None = None) -> str:
    number = number or 0
    return f"{number:,} {word if number == 1 else (plural or word + 's')}"


def preview(text: str | None, limit: int = 220) -> str:
    """The first ``limit`` characters of an abstract, cut at a word, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def paragraphs(text: str | None) -> list[str]:
    """An abstract's paragraphs, with arXiv's hard line breaks inside them joined up.

    Blank lines separate paragraphs; a line starting like a list item ("1)", "(i)", "-")
    starts a new one, so enumerations stay readable.
    """
    result: list[str] = []
    current: list[str] = []
    for line in (text or "").splitlines():
        stripped = line.strip()
        if not stripped or (current and _LIST_ITEM.match(stripped)):
            if current:
                result.append(" ".join(current))
            current = [stripped] if stripped else []
            continue
        current.append(stripped)
    if current:
        result.append(" ".join(current))
    return result


_LIST_ITEM = re.compile(r"^(?:\(?\d{1,2}[.)]|\([ivx]{1,4}\)|[-•*] )")


def marked_paragraphs(segments: list[tuple[str, bool]] | None) -> list[highlighting.Segments]:
    """Highlight segments of an abstract, cut into the same paragraphs as :func:`paragraphs`."""
    return highlighting.paragraphs(segments, paragraphs)


def paper_path(arxiv_id: str) -> str:
    return f"/papers/{arxiv_id}"


def github_name(url: str | None) -> str:
    """``owner/repo`` of a GitHub URL, for link text."""
    if not url:
        return ""
    tail = url.split("github.com/", 1)[-1].strip("/")
    return tail or url


def asset_version() -> str:
    """A short hash of the static files, appended to their URLs so browsers may keep them."""
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted((HERE / "static").rglob("*")):
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:10]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        auto_reload=False,
        cache_size=400,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        authors_short=authors_short, nice_date=nice_date, preview=preview, paragraphs=paragraphs,
        markdown=markup.render, paper_path=paper_path, github_name=github_name,
        marked=highlighting.marked, excerpt=highlighting.excerpt,
        marked_paragraphs=marked_paragraphs,
    )
    env.globals.update(count_of=count_of, asset_version=asset_version())
    return env


class CardBodies:
    """Rendered card texts, reused while what they show is unchanged (a bounded LRU).

    The key holds every value the text depends on that can change: the paper's modification
    time (the ingest pipeline moves it on any content change), its comment count, and the feed
    entry's day and submitter. Votes are not part of it: the vote button is drawn apart.
    """

    def __init__(self, env: jinja2.Environment, max_entries: int = 4096):
        self.env = env
        self.max_entries = max_entries
        self._entries: OrderedDict[tuple, Markup] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, card: dict[str, Any], show_day: bool) -> Markup:
        key = (card["id"], card.get("modified_at"), card.get("num_comments"),
               card.get("feed_day"), card.get("submitter_username"), bool(show_day))
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
                return body
        body = Markup(self.env.get_template("_card_body.html").render(c=card,
                                                                      show_day=show_day))
        with self._lock:
            self._entries[key] = body
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return body


_env = _environment()
_env.globals["card_body"] = CardBodies(_env)
templates = Jinja2Templates(env=_env, context_processors=[_site_context])


def render(request: Request, name: str, context: dict[str, Any] | None = None, *,
           status_code: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    """A page (or an htmx fragment) with the site's security headers."""
    response = templates.TemplateResponse(request, name, context or {}, status_code=status_code,
                                          headers={**SECURITY_HEADERS, **(headers or {})})
    return response
