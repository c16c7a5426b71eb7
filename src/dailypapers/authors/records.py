"""What the authors package hands up: an author's page and the counts on it."""

from __future__ import annotations

from dataclasses import dataclass, field

from dailypapers.papers.records import Card


@dataclass(frozen=True, slots=True)
class Counted:
    """A name (a co-author, a category) and how many of the author's papers it is on."""

    name: str
    papers: int


@dataclass(slots=True)
class AuthorPage:
    """One page of an author: ``name`` is the display form (the most used spelling), ``papers``
    the page's cards newest first, ``candidates`` the other stored authors the name asked for
    could mean (display forms), which are never merged into this page."""

    name: str
    asked: str
    spellings: list[str]
    total: int
    papers: list[Card]
    page: int
    pages: int
    coauthors: list[Counted] = field(default_factory=list)
    categories: list[Counted] = field(default_factory=list)
    candidates: list[Counted] = field(default_factory=list)
