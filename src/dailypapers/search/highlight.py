"""Highlighted matches: a text cut into (segment, is_match) pieces that join back to the text.

Words match the way the full-text index matches them: case and accents folded, English stems
compared (``models`` lights up for ``model``), prefix terms (``transform*``) by their start. The
same code serves both backends and semantic hits, so every card highlights alike.
"""

from __future__ import annotations

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
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


class Highlighter:
    def __init__(self, words: list[tuple[str, bool]]):
        stemmer = _stemmer()
        self.stems = {stemmer.stemWord(fold(w)) for w, prefix in words if not prefix}
        self.prefixes = tuple(fold(w) for w, prefix in words if prefix)

    def _matches(self, word: str) -> bool:
        folded = fold(word)
        if self.prefixes and folded.startswith(self.prefixes):
            return True
        return _stemmer().stemWord(folded) in self.stems

    def segments(self, text: str | None) -> Segments:
        """``text`` as pieces; ``"".join(piece for piece, _ in result) == text``."""
        text = text or ""
        if not text or not (self.stems or self.prefixes):
            return [(text, False)] if text else []
        pieces: Segments = []
        cursor = 0
        for match in _WORD.finditer(text):
            if not self._matches(match.group()):
                continue
            if match.start() > cursor:
                pieces.append((text[cursor : match.start()], False))
            pieces.append((match.group(), True))
            cursor = match.end()
        if cursor < len(text):
            pieces.append((text[cursor:], False))
        return pieces
