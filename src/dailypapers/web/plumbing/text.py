"""Text helpers the templates use as filters: dates, counts, author lines, abstract previews."""

from __future__ import annotations

import re
from datetime import date, datetime

# A line starting like a list item ("1)", "(i)", "-") starts a new paragraph of an abstract.
_LIST_ITEM = re.compile(r"^(?:\(?\d{1,2}[.)]|\([ivx]{1,4}\)|[-•*] )")
PREVIEW_LIMIT = 220  # characters of an abstract a card shows before "Abstract" expands it


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


def preview(text: str | None, limit: int = PREVIEW_LIMIT) -> str:
    """The first ``limit`` characters of an abstract, cut at a word, with an ellipsis."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def clipped(text: str, limit: int) -> str:
    """What a reader typed, cut to ``limit`` characters with an ellipsis, to repeat in a message."""
    return text if len(text) <= limit else text[:limit] + "…"


def paragraphs(text: str | None) -> list[str]:
    """An abstract's paragraphs, with arXiv's hard line breaks inside them joined up.

    Blank lines separate paragraphs; a line starting like a list item starts a new one, so
    enumerations stay readable.
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


def paper_path(arxiv_id: str) -> str:
    return f"/papers/{arxiv_id}"


def github_name(url: str | None) -> str:
    """``owner/repo`` of a GitHub URL, for link text."""
    if not url:
        return ""
    tail = url.split("github.com/", 1)[-1].strip("/")
    return tail or url
