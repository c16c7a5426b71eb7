"""A person's name as the key names are matched by: the one folding the store's author rows are
written with (the ingest pipeline and the migration that backfilled them) and the author pages
look names up by. It sits at the bottom of the layers because the pipeline that writes the rows
is below the authors package.

The folding, in order: TeX accents and braces decoded (``Bal\\'azs`` is ``Balázs``), "Last,
First" read as "First Last" (``Le, Quoc V.`` is ``Quoc V. Le``), Unicode compatibility forms
split and their combining marks dropped (``Müller`` is ``muller``), the few Latin letters that
do not decompose spelled out (``ø``, ``ł``, ``æ``...), case folded, and what is left of
punctuation and spacing collapsed to single spaces (``Jean-Pierre`` is ``jean pierre``).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

from pylatexenc.latex2text import LatexNodes2Text

_LATEX = LatexNodes2Text()
# Letters NFKD leaves whole (they are letters of their own, not letters with a mark), spelled as
# the ASCII readers type for them.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "þ": "th",
     "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ß": "ss"}
)  # fmt: skip
# What may follow a comma without being a first name: "Smith, Jr." stays "smith jr".
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_WORD = re.compile(r"[^\W_]+")
# A backslash before a non-ASCII character is no TeX command (those are ASCII), only a stray one
# (arXiv has "Peter St\ütz"): it is dropped so the parser does not swallow the letter.
_STRAY_BACKSLASH = re.compile(r"\\(?=[^\x00-\x7f])")


def decode_tex(name: str) -> str:
    """TeX accents and braces as Unicode (names without a backslash or brace as they are)."""
    if "\\" in name or "{" in name:
        name = _STRAY_BACKSLASH.sub("", name)
        # TeX this parser cannot read is matched as the characters it is.
        with contextlib.suppress(ValueError, IndexError, RecursionError):
            name = _LATEX.latex_to_text(name)
    return name


def first_name_first(name: str) -> str:
    """ "Last, First" as "First Last"; a name with no comma, or more than one, as it is."""
    last, comma, first = name.partition(",")
    if not comma or "," in first or not first.strip():
        return name
    if _WORD.sub(lambda m: m.group().lower(), first.strip(" .")) in _SUFFIXES:
        return name
    return f"{first.strip()} {last.strip()}"


def name_key(name: str) -> str:
    """``name`` folded into the key it is matched by ("" for a name of no letters or digits)."""
    text = first_name_first(decode_tex(name))
    text = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.translate(_UNDECOMPOSED).casefold()
    return " ".join(_WORD.findall(text))


def surname_key(key: str) -> str:
    """The last word of a name key: what initials are matched within."""
    return key.rsplit(" ", 1)[-1]
