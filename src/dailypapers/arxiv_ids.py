"""arXiv identifiers: recognise, normalise and split off the version.

Two schemes exist. New style (April 2007 on): ``YYMM.NNNN`` (to 2014) or ``YYMM.NNNNN``, optionally
``vN``. Old style: ``archive[.SUBJECT]/YYMMNNN`` such as ``hep-th/9901001`` or
``math.AG/0601001v2``; the subject class is not part of the identifier and is dropped, as arXiv
itself does. Everything that accepts an id from outside (files, feeds, forms, URLs, API
parameters) goes through :func:`parse`, so a paper has exactly one key in the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Old-style archives, lowercase, as listed by arXiv. Checking the archive name keeps ``abc/1234567``
# from passing as an id.
OLD_ARCHIVES = frozenset(
    [
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "quant-ph",
        "solv-int",
        "supr-con",
    ]
)

_NEW = re.compile(r"(?P<id>(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5}))(?:v(?P<v>\d+))?")
_OLD = re.compile(
    r"(?P<archive>[a-z][a-z-]*)(?:\.[A-Za-z]{2})?/(?P<num>(?P<yy>\d{2})(?P<mm>\d{2})\d{3})"
    r"(?:v(?P<v>\d+))?"
)
# Where an id may sit inside a URL or a pasted string.
_URL = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org|[^/]+)/(?:abs|pdf|html|papers|format)/"
    r"(?P<rest>.+?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ArxivId:
    """A parsed arXiv id: ``id`` has no version; ``version`` is None when none was given."""

    id: str
    version: int | None = None

    def __str__(self) -> str:
        return self.id if self.version is None else f"{self.id}v{self.version}"


class InvalidArxivId(ValueError):
    """Raised by :func:`parse` with a message fit to show to the person who typed the id."""


def parse(text: str) -> ArxivId:
    """Parse an id, a versioned id, an ``arXiv:`` prefixed id or an abs/pdf/paper-page URL."""
    if not isinstance(text, str):
        raise InvalidArxivId(f"not an arXiv id: {text!r}")
    raw = text.strip()
    candidate = raw
    match = _URL.match(candidate)
    if match:
        candidate = match.group("rest")
    if candidate.lower().startswith("arxiv:"):
        candidate = candidate[6:]
    candidate = candidate.strip()
    if len(candidate) > 64:
        raise InvalidArxivId("not an arXiv id: too long")

    new = _NEW.fullmatch(candidate)
    if new:
        month = int(new["mm"])
        year = int(new["yy"])
        if not 1 <= month <= 12:
            raise InvalidArxivId(f"not an arXiv id: {raw!r} (month {new['mm']} does not exist)")
        # Five-digit numbers started in 1501; four-digit ones ended in 1412.
        if (len(new["num"]) == 5) != ((year, month) >= (15, 1)):
            raise InvalidArxivId(
                f"not an arXiv id: {raw!r} (ids from {new['yy']}{new['mm']} have "
                f"{'five' if (year, month) >= (15, 1) else 'four'} digits after the dot)"
            )
        return ArxivId(new["id"], _version(new["v"], raw))

    old = _OLD.fullmatch(candidate)
    if old:
        archive = old["archive"].lower()
        if archive not in OLD_ARCHIVES:
            raise InvalidArxivId(f"not an arXiv id: {raw!r} (unknown archive {archive!r})")
        if not 1 <= int(old["mm"]) <= 12:
            raise InvalidArxivId(f"not an arXiv id: {raw!r} (month {old['mm']} does not exist)")
        return ArxivId(f"{archive}/{old['num']}", _version(old["v"], raw))

    raise InvalidArxivId(
        f"not an arXiv id: {raw!r} (expected e.g. 2401.01234, 2401.01234v2, hep-th/9901001 "
        "or an arxiv.org/abs/... URL)"
    )


def _version(value: str | None, raw: str) -> int | None:
    if value is None:
        return None
    version = int(value)
    if version < 1:
        raise InvalidArxivId(f"not an arXiv id: {raw!r} (versions start at v1)")
    return version


def normalise(text: str) -> str:
    """The version-less id for ``text``; raises :class:`InvalidArxivId`."""
    return parse(text).id


def is_arxiv_id(text: str) -> bool:
    """True when ``text`` parses as an id or an id-bearing URL (used by search's direct hit)."""
    try:
        parse(text)
    except InvalidArxivId:
        return False
    return True


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"
