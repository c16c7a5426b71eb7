"""Which feeds a page advertises in its ``<head>`` (``<link rel="alternate">``, autodiscovery).

A page's feed is at ``/feeds`` + the page's path + ``.atom`` or ``.rss``::

    /papers                  -> /feeds/papers.atom           the newest feed day
    /papers/date/2025-06-10  -> /feeds/papers/date/2025-06-10.atom
    /papers/week/2025-W24    -> /feeds/papers/week/2025-W24.atom
    /papers/month/2025-06    -> /feeds/papers/month/2025-06.atom
    /papers/trending         -> /feeds/papers/trending.atom
    /search?q=...            -> /feeds/search.atom?q=...
    /users/alice             -> /feeds/users/alice.atom      what alice submitted
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlencode

from fastapi import Request

from dailypapers.search import service
from dailypapers.web.feeds.writer import MEDIA_TYPES

# A search feed's parameters are the search page's: these name them, their defaults (left out of
# feed addresses) and what a category may look like (an arXiv category or archive).
SEARCH_PARAMETERS = ("q", "mode", "sort", "category", "date_from", "date_to")
SEARCH_DEFAULTS = {"mode": "hybrid", "sort": "relevance"}
CATEGORY_PATTERN = r"^[A-Za-z0-9.\-]{0,40}$"
MAX_SEARCH_QUERY = service.LONGEST_QUERY  # characters of a search feed's ``q``


_LIST_PAGES = re.compile(
    r"^/papers(?:/date/[^/]+|/week/[^/]+|/month/[^/]+|/trending)?/?$|^/users/[^/]+/?$"
)


def feed_links(request: Request) -> list[dict[str, str]]:
    """The feeds a page advertises with ``<link rel="alternate">``: its own for a list page
    (day, week, month, trending, search, a user's page), else the newest day's."""
    path = request.url.path.rstrip("/") or "/"
    if path == "/search":
        links = search_links({key: request.query_params.get(key, "") for key in SEARCH_PARAMETERS})
        if links:
            return links
    elif _LIST_PAGES.match(path):
        parts = path.split("/")[1:]
        if parts[0] == "users":
            title = f"Submitted by {parts[1]}"
        elif len(parts) == 3:
            title = f"Papers of {'' if parts[1] == 'date' else parts[1] + ' '}{parts[2]}"
        else:
            title = "Trending papers" if parts[-1] == "trending" else "Daily papers"
        return _links(f"/feeds{path}", "", title)
    return _links("/feeds/papers", "", "Daily papers")


def search_links(params: dict[str, str]) -> list[dict[str, str]]:
    """The Atom and RSS feeds of a search page: its query and filters (``SEARCH_PARAMETERS``,
    defaults left out). None for a search without query or category, or an over-long query."""
    chosen = {key: (params.get(key) or "").strip() for key in SEARCH_PARAMETERS}
    q, category = chosen["q"], chosen["category"]
    if (not q and not category) or len(q) > MAX_SEARCH_QUERY:
        return []
    if not re.match(CATEGORY_PATTERN, category):
        return []  # the feed would refuse it; the page says it found nothing
    for key in ("date_from", "date_to"):  # the page ignores a date it cannot read: so does this
        try:
            date.fromisoformat(chosen[key])
        except ValueError:
            chosen[key] = ""
    query = {
        key: value for key, value in chosen.items() if value and value != SEARCH_DEFAULTS.get(key)
    }
    return _links("/feeds/search", "?" + urlencode(query), f"Search: {(q or category)[:80]}")


def _links(feed_path: str, query: str, title: str) -> list[dict[str, str]]:
    return [
        {
            "type": MEDIA_TYPES["atom"],
            "title": f"{title} (Atom)",
            "href": f"{feed_path}.atom{query}",
        },
        {"type": MEDIA_TYPES["rss"], "title": f"{title} (RSS)", "href": f"{feed_path}.rss{query}"},
    ]
