"""An author's page: every stored paper with an author of that name (as :mod:`.names` resolves
it), newest first and paged, with co-authors and categories counted and the other authors the
name could mean listed beside, never merged."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Connection

from dailypapers.authors import claimants, names
from dailypapers.authors.records import AuthorPage
from dailypapers.db.engine import Database
from dailypapers.papers import catalog
from dailypapers.papers.records import Counted
from dailypapers.store import authors as author_store

PAGE_SIZE = 30  # papers per page, as on a person's page
MAX_PAGE = 10_000  # beyond any author's papers; keeps the SQL OFFSET sane
TOP_COAUTHORS = 20  # co-authors shown: the page stays short for authors of huge collaborations
TOP_CATEGORIES = 12
# Authors of one surname considered for initials: the most prolific first. Common surnames
# (Wang, Li) have thousands; an initial among more than this many is ambiguous in practice.
SURNAME_CANDIDATES = 500
# Longer than any real name (the longest in arXiv's metadata are under 100 characters) yet long
# enough for hyphenated, transliterated and TeX-escaped names.
MAX_NAME_LENGTH = 1000


class InvalidName(ValueError):
    """A name no author can have: empty, too long, control characters, no letters."""


def checked_key(name: str) -> str:
    """The key of ``name``, or InvalidName saying why there can be none."""
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidName(f"an author's name is at most {MAX_NAME_LENGTH:,} characters")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise InvalidName("an author's name has no control characters")
    key = names.key(name)
    if not key:
        raise InvalidName("an author's name has letters in it")
    return key


def author_page(
    db: Database, name: str, *, page: int = 1, viewer_id: int | None = None
) -> AuthorPage | None:
    """The page of the author ``name`` means (page ``page`` of their papers), or None when no
    stored paper has an author of that name nor any it could mean. Raises InvalidName."""
    key = checked_key(name)
    page = max(1, min(page, MAX_PAGE))
    with db.read() as conn:
        keys, candidates, stored = resolved(conn, key)
        if not keys and not candidates:
            return None
        found = _page(conn, name, keys, candidates, stored, page, viewer_id)
        found.claim = claimants.view(conn, keys, candidates, viewer_id)
        found.holders = claimants.holders_in(conn, found.papers)
        return found


def resolved(conn: Connection, key: str) -> tuple[list[str], tuple[str, ...], dict[str, int]]:
    """What the key ``key`` means: the stored keys that are this author's (the asked key first),
    the other authors it could mean, and {key: papers} of the authors weighed."""
    stored = dict(author_store.keys_with_surname(conn, names.surname_key(key), SURNAME_CANDIDATES))
    if key not in stored and (own := author_store.count_papers(conn, [key])):
        stored[key] = own  # a rare name among more than SURNAME_CANDIDATES of its surname
    resolution = names.resolve(key, list(stored))
    return [k for k in resolution.keys if k in stored], resolution.candidates, stored


def _page(
    conn: Connection,
    asked: str,
    keys: list[str],
    candidates: tuple[str, ...],
    papers_of_key: dict[str, int],
    page: int,
    viewer_id: int | None,
) -> AuthorPage:
    coauthors, categories = [], Counter()
    if keys and page == 1:
        coauthors = author_store.coauthors(conn, keys, TOP_COAUTHORS)
        for listed in author_store.categories_of(conn, keys):
            categories.update(dict.fromkeys(listed, 1))  # once per paper
    shown = names.display_forms(
        author_store.spellings(conn, [*(k for k, _ in coauthors), *candidates])
    )
    candidates_counted = [Counted(shown.get(k, k), papers_of_key.get(k, 0)) for k in candidates]
    if not keys:  # only authors the name could mean: the page lists them
        return AuthorPage(asked, asked, [], 0, [], page, 1, candidates=candidates_counted)
    spellings = author_store.spellings(conn, keys)
    total = author_store.count_papers(conn, keys)
    ids = author_store.papers_of(conn, keys, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return AuthorPage(
        name=names.display_forms(spellings)[names.main_key(keys)],
        asked=asked,
        spellings=list(dict.fromkeys(names.shown(s) for _, s, _ in spellings)),
        total=total,
        papers=catalog.cards_in(conn, ids, user_id=viewer_id),
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        coauthors=[Counted(shown.get(k, k), n) for k, n in coauthors],
        categories=[Counted(c, n) for c, n in categories.most_common(TOP_CATEGORIES)],
        candidates=candidates_counted,
    )
