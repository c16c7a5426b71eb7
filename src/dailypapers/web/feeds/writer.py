"""A feed written as RSS 2.0 or Atom with feedgen: one entry per paper card.

Each entry's id is the paper page's URL, so a reader that sees a paper again (in the weekly feed
after the daily one) knows it. Text XML cannot carry (control characters) is dropped first.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from markupsafe import escape

from dailypapers.config import Settings
from dailypapers.papers.records import Card

MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
MAX_AUTHORS = 25  # per entry; the page names them all
# Characters XML 1.0 cannot carry at all (feedgen refuses them): dropped from any text we put in.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


class Feed:
    """What one feed is about, before it is written as Atom or RSS."""

    def __init__(self, title: str, page_path: str, feed_path: str, description: str):
        self.title = title
        self.page_path = page_path  # the HTML page this feed follows, e.g. /papers/week/2025-W24
        self.feed_path = feed_path  # without the extension, e.g. /feeds/papers/week/2025-W24
        self.description = description


def render(feed: Feed, cards: list[Card], fmt: str, settings: Settings, query: str = "") -> bytes:
    """The feed of ``cards`` as Atom or RSS."""
    base = settings.base_url.rstrip("/")
    suffix = f"?{query}" if query else ""
    generator = FeedGenerator()
    self_url = f"{base}{feed.feed_path}.{fmt}{suffix}"
    generator.id(self_url)
    generator.title(xml_text(f"dailypapers: {feed.title}"))
    generator.subtitle(xml_text(feed.description))
    generator.link(href=self_url, rel="self", type=MEDIA_TYPES[fmt])
    generator.link(href=f"{base}{feed.page_path}{suffix}", rel="alternate", type="text/html")
    generator.language("en")
    generator.generator("dailypapers")
    newest = None
    seen: set[str] = set()
    for card in cards:
        if card.arxiv_id in seen:  # a paper in the feed on two days of a window: once here
            continue
        seen.add(card.arxiv_id)
        when = _entry_time(card)
        newest = when if newest is None else max(newest, when)
        _add_entry(generator, card, when, base)
    generator.updated(newest or datetime.now(UTC))
    return generator.atom_str(pretty=False) if fmt == "atom" else generator.rss_str(pretty=False)


def _entry_time(card: Card) -> datetime:
    return card.submitted_at or card.published_at or card.created_at


def _add_entry(generator: FeedGenerator, card: Card, when: datetime, base: str) -> None:
    page = f"{base}/papers/{card.arxiv_id}"
    entry = generator.add_entry(order="append")
    entry.id(page)
    entry.guid(page, permalink=True)
    entry.title(xml_text(card.title))
    entry.link(href=page, rel="alternate")
    authors = card.authors or []
    for name in authors[:MAX_AUTHORS]:
        entry.author({"name": xml_text(name)})
    if card.published_at:
        entry.published(card.published_at)
    entry.updated(when)
    for category in card.categories or ():
        entry.category(term=xml_text(category))
    entry.summary(xml_text(card.abstract or card.title))
    entry.content(xml_text(_content_html(card, page, len(authors))), type="html")


def _content_html(card: Card, page: str, author_count: int) -> str:
    """The entry body: counts, the abstract, and the links a reader wants."""
    upvotes, comments = card.upvotes, card.total_comments
    authors = card.authors or []
    named = ", ".join(authors[:MAX_AUTHORS])
    if author_count > MAX_AUTHORS:
        named += f" and {author_count - MAX_AUTHORS} more"
    links = [f'<a href="{escape(page)}">discussion</a>']
    for label, url in (
        ("arXiv", card.abs_url),
        ("PDF", card.pdf_url),
        ("GitHub", card.github_repo),
        ("project page", card.project_page),
    ):
        if url:
            links.append(f'<a href="{escape(url)}">{label}</a>')
    abstract = "".join(
        f"<p>{escape(part)}</p>"
        for part in re.split(r"\n\s*\n", card.abstract or "")
        if part.strip()
    )
    return (
        f"<p>{escape(named)}</p>"
        f"<p>{upvotes} upvote{'s' if upvotes != 1 else ''} · "
        f"{comments} comment{'s' if comments != 1 else ''}</p>"
        f"{abstract}<p>{' · '.join(links)}</p>"
    )
