"""Comment Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises.

Two layers on purpose: markdown-it runs with raw HTML off (``<script>`` comes out as text), and
nh3 then keeps only a small set of tags and attributes, only http(s)/mailto links, and marks
every link ``rel="nofollow noopener ugc"``. Images are dropped (no tracking pixels, no layout
surprises).

A body is rendered once, when it is written (:mod:`dailypapers.papers.discussion` stores the
HTML beside it); pages show the stored HTML and never parse Markdown.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# How deeply markdown-it nests blocks and inline parses before it treats the rest as text
# (CommonMark preset's value). The default of 100 makes a body of 10,000 "[" scan a hundred
# levels per bracket, four times the work at twenty; no comment nests quotes or lists deeper.
MAX_NESTING = 20

_md = MarkdownIt(
    "js-default",
    {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING},
)

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


def render(text: str) -> Markup:
    """Sanitised HTML of a Markdown comment body."""
    html = _md.render(text or "")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    )
    return Markup(clean)


def as_text(text: str) -> Markup:
    """A body shown as plain text: what a comment whose HTML is not stored yet shows, escaped
    and without parsing (``dailypapers db upgrade`` stores the HTML of every such comment)."""
    return Markup("<p>{}</p>").format(text)
