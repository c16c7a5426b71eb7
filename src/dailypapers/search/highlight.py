"""Highlighted matches: a text cut into (segment, is_match) pieces that join back to the text.

Words match the way the full-text index matches them: case and accents folded, English stems
compared (``models`` lights up for ``model``), prefix terms (``transform*``) by their start. The
same code serves both backends and semantic hits, so every card highlights alike.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata

import Stemmer

_WORD = re.compile(r"\w+")
_local = threading.local()

Segments = list[tuple[str, bool]]


def _stemmer() -> Stemmer.Stemmer:  # PyStemmer objects are not thread-safe: one per thread
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("english")
    return stemmer


def fold(word: str) -> str:
    lowered = word.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=200_000)
def stem_key(word: str) -> str:
    """The folded English stem of a word (cached: result pages repeat words a lot)."""
    return _stemmer().stemWord(fold(word))


class Highlighter:
    def __init__(self, words: list[tuple[str, bool]]):
        self.stems = {stem_key(w) for w, prefix in words if not prefix}
        self.prefixes = tuple(fold(w) for w, prefix in words if prefix)
        # Only words sharing the first letters of a stem or prefix can match: find those with
        # one regex pass instead of stemming every word of every abstract.
        heads = sorted({w[:3] for w in (*self.stems, *self.prefixes) if w}, key=len, reverse=True)
        self.candidates = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, heads)) + r")\w*", re.IGNORECASE)
            if heads
            else None
        )

    def _matches(self, word: str) -> bool:
        if self.prefixes and fold(word).startswith(self.prefixes):
            return True
        return stem_key(word) in self.stems

    def segments(self, text: str | None) -> Segments:
        """``text`` as pieces; ``"".join(piece for piece, _ in result) == text``."""
        text = text or ""
        if not text or self.candidates is None:
            return [(text, False)] if text else []
        pieces: Segments = []
        cursor = 0
        words = _WORD.finditer(text) if not text.isascii() else self.candidates.finditer(text)
        for match in words:
            if not self._matches(match.group()):
                continue
            if match.start() > cursor:
                pieces.append((text[cursor : match.start()], False))
            pieces.append((match.group(), True))
            cursor = match.end()
        if cursor < len(text):
            pieces.append((text[cursor:], False))
        return pieces
