"""What a feed's definition may be, field by field, as the API's JSON names them: each bad
field is :class:`~.records.InvalidFeed` naming it, with a message fit to show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dailypapers.authors.pages import InvalidName, checked_key
from dailypapers.categories.taxonomy import InvalidCategory, lookup
from dailypapers.feeds.records import Definition, InvalidFeed
from dailypapers.search.service import LONGEST_QUERY

MAX_NAME = 100  # a feed's name is a title on a page and a mail's section heading
# Categories, exclusions and authors per feed: more than anyone follows in one feed (people
# make several feeds), few enough that a feed's query stays one short SQL statement.
MAX_LIST = 20
MAX_LIKE = 2_000  # "papers like this text": a pasted abstract fits
MAX_QUERY = LONGEST_QUERY
# No paper has a million upvotes; the bound keeps the number an integer every backend holds.
MAX_UPVOTES = 1_000_000
FIELDS = ("name", "categories", "exclude_categories", "authors", "query", "like", "min_upvotes",
          "has_code", "private")  # fmt: skip


def checked(raw: Mapping[str, Any]) -> tuple[str, Definition, bool]:
    """(name, definition, private) of a feed's JSON, or InvalidFeed naming the field at fault.
    Categories come back in arXiv's spelling, lists without repeats, texts stripped."""
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise InvalidFeed(unknown[0], f"a feed has no field {unknown[0][:40]!r}")
    name = _name(raw.get("name"))
    categories = _categories("categories", raw.get("categories", []))
    excluded = _categories("exclude_categories", raw.get("exclude_categories", []))
    both = set(categories) & set(excluded)
    if both:
        raise InvalidFeed("exclude_categories", f"{min(both)} is both included and excluded")
    definition = Definition(
        categories,
        excluded,
        _authors(raw.get("authors", [])),
        _text("query", raw.get("query", ""), MAX_QUERY),
        _text("like", raw.get("like", ""), MAX_LIKE),
        _upvotes(raw.get("min_upvotes", 0)),
        _flag("has_code", raw.get("has_code", False)),
    )
    criteria = (definition.categories, definition.authors, definition.query, definition.like)
    if not any(criteria) and not definition.min_upvotes and not definition.has_code:
        raise InvalidFeed(
            None,
            "a feed needs at least one of categories, authors, query, like, min_upvotes or "
            "has_code",
        )
    return name, definition, _flag("private", raw.get("private", False))


def _flag(field: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidFeed(field, f"{field} is true or false")
    return value


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def _name(value: Any) -> str:
    if not isinstance(value, str):
        raise InvalidFeed("name", "a feed needs a name (text)")
    name = " ".join(value.split())
    if not name or len(name) > MAX_NAME or _has_control(name):
        raise InvalidFeed("name", f"a feed's name is 1 to {MAX_NAME} characters of text")
    return name


def _strings(field: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidFeed(field, f"{field} is a list of texts")
    if len(value) > MAX_LIST:
        raise InvalidFeed(field, f"{field} has at most {MAX_LIST} entries")
    return value


def _categories(field: str, value: Any) -> tuple[str, ...]:
    found = []
    for text in _strings(field, value):
        try:
            category = lookup(text)
        except InvalidCategory as error:
            raise InvalidFeed(field, f"{text[:40]!r}: {error}") from None
        archive_alone = category.id.lower() == category.archive.lower()
        if not category.known and not (archive_alone and category.archive_name != category.id):
            raise InvalidFeed(field, f"arXiv has no category {text[:40]!r}")
        found.append(category.id.lower() if archive_alone else category.id)
    return tuple(dict.fromkeys(found))


def _authors(value: Any) -> tuple[str, ...]:
    found: dict[str, str] = {}
    for text in _strings("authors", value):
        try:
            key = checked_key(text)
        except InvalidName as error:
            raise InvalidFeed("authors", f"{text[:40]!r}: {error}") from None
        found.setdefault(key, " ".join(text.split()))
    return tuple(found.values())


def _text(field: str, value: Any, longest: int) -> str:
    if not isinstance(value, str):
        raise InvalidFeed(field, f"{field} is text")
    text = value.strip()
    if len(text) > longest:
        raise InvalidFeed(field, f"{field} is at most {longest:,} characters")
    if any(ord(ch) < 32 and ch not in "\t\n\r" or ord(ch) == 127 for ch in text):
        raise InvalidFeed(field, f"{field} has no control characters")
    return text


def _upvotes(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_UPVOTES:
        raise InvalidFeed("min_upvotes", f"min_upvotes is a whole number, 0 to {MAX_UPVOTES:,}")
    return value
