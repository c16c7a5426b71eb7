"""What the categories package hands up: a category's page and the overview of categories."""

from __future__ import annotations

from dataclasses import dataclass, field

from dailypapers.categories.taxonomy import Category
from dailypapers.papers.listing import Listing
from dailypapers.papers.records import Counted


@dataclass(slots=True)
class CategoryPage:
    """One period of a category: ``listing`` is the feed's own listing filtered to papers that
    list the category; ``cross_listed`` the arXiv ids among them whose primary category is
    another one."""

    category: Category
    listing: Listing
    cross_listed: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Archive:
    """An archive ("cs", "hep-th") and its categories that have papers, most papers first."""

    id: str
    name: str
    categories: list[Counted[Category]]
