"""Comment Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises.

Two layers on purpose: markdown-it runs with raw HTML off (``<script>`` comes out as text), and
nh3 then keeps only a small set of tags and attributes, only http(s)/mailto links, and marks
every link ``rel="nofollow noopener ugc"``. Images are dropped (no tracking pixels, no layout
surprises).
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("js-default", {"html": False, "linkify": False, "typographer": False})

TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "s",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


@lru_cache(maxsize=4096)
def render(text: str) -> Markup:
    """Sanitised HTML of a Markdown comment body (memoised: bodies rarely change)."""
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)
