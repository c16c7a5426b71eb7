"""Which stored authors a name means: the folding (:func:`key`, from :mod:`dailypapers.name_keys`,
which the store's rows are written with), the display form of a key, and initials.

Initials: "J. Smith" means "John Smith" only when John is the one first name with that initial
among the stored Smiths; with a John and a Jane it means neither, and the page lists both. The
same rule runs the other way: "John Smith"'s page includes the papers signed "J. Smith" only
while John is the one J-Smith. Middle names are never merged ("Quoc V. Le" and "Quoc Le" are
listed as each other's candidates), since two people may differ only there.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from dailypapers.name_keys import decode_tex, name_key, surname_key

__all__ = [
    "Resolution", "compatible", "display_forms", "given_names", "is_initial", "key", "main_key",
    "resolve", "shown", "surname_key",
]  # fmt: skip

key = name_key


def is_initial(word: str) -> bool:
    return len(word) == 1


def given_names(name_key_: str) -> list[str]:
    """The words of a key before its surname."""
    return name_key_.split(" ")[:-1]


def compatible(asked: str, stored: str) -> bool:
    """Whether ``stored`` could be the person ``asked`` names: the same surname and, word by word
    over the given names both have, each pair equal or one the other's initial."""
    if asked == stored:
        return True
    if surname_key(asked) != surname_key(stored):
        return False
    mine, theirs = given_names(asked), given_names(stored)
    if not mine or not theirs:
        return False
    return all(
        a == b or (is_initial(a) and b.startswith(a)) or (is_initial(b) and a.startswith(b))
        for a, b in zip(mine, theirs, strict=False)
    )


@dataclass(frozen=True)
class Resolution:
    """What a name means: the keys whose papers are the author's (``keys``, the asked key first)
    and the other stored authors it could mean (``candidates``, never merged)."""

    keys: tuple[str, ...]
    candidates: tuple[str, ...]


def resolve(asked: str, stored: Iterable[str]) -> Resolution:
    """Which of ``stored`` (keys of the same surname as ``asked``, most papers first) ``asked``
    means: initials merge with the one full name of their initial, a full name takes in its
    initials-only spellings while it is the one full name of its initial; anything less certain
    is a candidate."""
    mine = given_names(asked)
    if not mine:
        return Resolution((asked,), ())
    others = [k for k in dict.fromkeys(stored) if k != asked and given_names(k)]
    firsts = {
        first
        for first in (given_names(k)[0] for k in others)
        if not is_initial(first) and first[0] == mine[0][0]
    }
    similar = [k for k in others if compatible(asked, k)]
    full = [k for k in similar if not is_initial(given_names(k)[0])]
    abbreviated = [k for k in similar if k not in full]
    if is_initial(mine[0]):
        if len(firsts) == 1 and len(full) == 1:
            return Resolution((asked, *full, *abbreviated), ())
        return Resolution((asked,), tuple(full))
    if firsts <= {mine[0]} and not full:
        return Resolution((asked, *abbreviated), ())
    return Resolution((asked,), (*full, *abbreviated))


def shown(spelling: str) -> str:
    """A spelling as a page shows it: TeX read as letters, spacing collapsed."""
    return " ".join(decode_tex(spelling).split()) or spelling


def display_forms(spellings: Iterable[tuple[str, str, int]]) -> dict[str, str]:
    """{key: its most used spelling} from (key, spelling, papers) rows, TeX read as the letters
    it means (``Bal\\'azs`` and ``Balázs`` are one spelling, shown ``Balázs``); ties go to the
    spelling that sorts first, so the choice is stable."""
    counts: dict[str, Counter[str]] = {}
    for name_key_, spelling, used in spellings:
        counts.setdefault(name_key_, Counter())[shown(spelling)] += used
    return {k: min(c.items(), key=lambda item: (-item[1], item[0]))[0] for k, c in counts.items()}


def main_key(keys: list[str]) -> str:
    """The key a page is named by: the first with a whole first name ("Ceyuan Yang", not "C.
    Yang"), else the first."""
    whole = [k for k in keys if not is_initial((given_names(k) or ["whole"])[0])]
    return (whole or keys)[0]
