"""Text folded for matching and for citation keys: a title as the key an imported entry is
matched by, and the ASCII words a citation key is made of."""

from __future__ import annotations

import re
import unicodedata

from dailypapers.name_keys import decode_tex

_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")
# TeX a title of an import carries past this is not decoded: the decoder is recursive and its
# cost grows with nesting, and no real title is this long.
LONGEST_TITLE = 1000


def _folded(text: str) -> str:
    text = decode_tex(text[:LONGEST_TITLE]) if len(text) <= LONGEST_TITLE else text
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def title_key(title: str) -> str:
    """``title`` as it is matched: TeX accents and braces decoded, marks dropped, case folded,
    punctuation and spacing collapsed to single spaces ("" for none)."""
    return " ".join(_WORD.findall(_folded(title or "")))


def ascii_words(text: str) -> list[str]:
    """The ASCII letters and digits of ``text`` in words, folded (accents dropped)."""
    return _ASCII_WORD.findall(_folded(text or ""))
