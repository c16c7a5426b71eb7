"""Search highlights in templates: ``(text, is_match)`` segments as HTML with ``<mark>``.

The search service cuts a title or an abstract into segments that join back to the text
(:mod:`dailypapers.search.highlight`). Result cards need them the way feed cards show plain
text: an abstract's paragraphs (:func:`dailypapers.web.templating.paragraphs`) and a short
preview, which here starts near the first match so the reader sees why a paper was found.

Matches are single words (no whitespace), so cutting at spaces never splits one. Matches inside
LaTeX (``$...$``) are dropped: a ``<mark>`` there would split the formula and KaTeX could no
longer draw it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

Segments = list[tuple[str, bool]]

# Private-use characters bracket matches while the text is reflowed as one string.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SENTINELS = re.compile(f"[{_OPEN}{_CLOSE}]")
_MARKED = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.DOTALL)
# The delimiters site.js hands to KaTeX.
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
PREVIEW_LIMIT = 220
LEAD = 40  # characters of context kept before a first match that lies beyond the preview


def marked(segments: Sequence[tuple[str, bool]] | None) -> Markup:
    """The segments as escaped HTML, matches in ``<mark>``."""
    parts = []
    for text, is_match in _outside_math(segments or []):
        parts.append(f"<mark>{escape(text)}</mark>" if is_match else str(escape(text)))
    return Markup("".join(parts))


def paragraphs(
    segments: Sequence[tuple[str, bool]] | None, split: Callable[[str], list[str]]
) -> list[Segments]:
    """The segments cut into paragraphs by ``split`` (the feed cards' paragraphs of a text)."""
    return [_split(part) for part in split(_join(segments or []))]


def excerpt(segments: Sequence[tuple[str, bool]] | None, limit: int = PREVIEW_LIMIT) -> Segments:
    """About ``limit`` characters of the text on one line, cut at words, with ellipses; from the
    start, or from a little before the first match when that lies further in."""
    text = " ".join(_join(segments or []).split())
    if len(_SENTINELS.sub("", text)) <= limit:
        return _split(text)
    first = text.find(_OPEN)
    start = 0
    if first != -1 and len(_SENTINELS.sub("", text[:first])) > limit - 2 * LEAD:
        space = text.rfind(" ", 0, max(first - LEAD, 0))
        start = space + 1 if space != -1 else 0
    window, visible = [], 0
    for char in text[start:]:  # ``limit`` visible characters (sentinels do not count)
        window.append(char)
        if char not in (_OPEN, _CLOSE):
            visible += 1
            if visible >= limit:
                break
    cut = "".join(window)
    rest = text[start + len(cut) :]
    more = bool(_SENTINELS.sub("", rest))
    if not more:
        cut += rest  # nothing but a closing sentinel was left
    elif not rest.lstrip(_CLOSE).startswith(" ") and " " in cut:
        cut = cut.rsplit(" ", 1)[0]  # end on a whole word
    if cut.count(_OPEN) > cut.count(_CLOSE):  # a match cut short: close it
        cut += _CLOSE
    tail = ""
    if more:
        cut, tail = cut.rstrip(",;:. "), "…"
    return _split(("…" if start else "") + cut + tail)


def _join(segments: Sequence[tuple[str, bool]]) -> str:
    return "".join(
        f"{_OPEN}{_SENTINELS.sub('', text)}{_CLOSE}" if is_match else _SENTINELS.sub("", text)
        for text, is_match in segments
    )


def _split(text: str) -> Segments:
    pieces: Segments = []
    cursor = 0
    for match in _MARKED.finditer(text):
        if match.start() > cursor:
            pieces.append((text[cursor : match.start()], False))
        pieces.append((match.group(1), True))
        cursor = match.end()
    if cursor < len(text):
        pieces.append((_SENTINELS.sub("", text[cursor:]), False))
    return pieces


def _outside_math(segments: Sequence[tuple[str, bool]]) -> Segments:
    """The segments with matches inside LaTeX unmarked (neighbours merged back into one text)."""
    text = "".join(piece for piece, _ in segments)
    if "$" not in text and "\\(" not in text and "\\[" not in text:
        return list(segments)
    spans = [match.span() for match in _MATH.finditer(text)]
    result: Segments = []
    position = 0
    for piece, is_match in segments:
        end = position + len(piece)
        if is_match and any(start < end and position < stop for start, stop in spans):
            is_match = False
        if result and not is_match and not result[-1][1]:
            result[-1] = (result[-1][0] + piece, False)
        else:
            result.append((piece, is_match))
        position = end
    return result
