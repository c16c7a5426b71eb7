"""Importing a reference manager's export into a new collection ("Imported from X.bib").

Each entry is matched by its arXiv id (``eprint``, an arXiv URL in any field, arXiv's DOI
``10.48550/arXiv.ID``; old-style ids too), then by DOI (papers here carry no DOI but arXiv's,
so another DOI cannot match, and the report says so), then by its title folded as
:func:`.titles.title_key` folds it (an exact match with one stored paper). An arXiv id the store
lacks is queued and fetched in the background (:mod:`.fetching`), the paper added to the
collection when it arrives; one arXiv was recently found not to have is reported.

The report's ``fetched`` counts the distinct arXiv ids queued this way (not yet arrived)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from dailypapers import background
from dailypapers.accounts import quotas
from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.library import collections, fetching, formats
from dailypapers.library.formats import Entry
from dailypapers.library.records import Collection, ImportReport, Unmatched
from dailypapers.library.titles import title_key
from dailypapers.papers.lookups import MISS_LIFETIME
from dailypapers.store import collections as collection_store
from dailypapers.store import library as library_store

# Imports an account makes a day: a reader imports their library once and again now and then;
# each may queue MAX_FETCHES arXiv ids, so a day's imports cost arXiv at most a few hundred
# spaced requests (minutes of the shared client), whoever makes them.
IMPORTS = quotas.Quota("library_import", 10, timedelta(days=1), "imports")
# arXiv ids one import may queue; the rest are reported (import them in another file later).
MAX_FETCHES = 1000
# A folded title shorter than this ("introduction", "notes") names no one paper.
SHORTEST_TITLE = 12
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]+")


def collection_title(filename: str | None) -> str:
    """ "Imported from X.bib" for the file's own name (no folders, no control characters)."""
    name = _UNSAFE_NAME.sub("", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    prefix = "Imported from "
    if not name:
        return prefix + "a file"
    room = collections.TITLE_LENGTH - len(prefix)
    return prefix + (name if len(name) <= room else name[: room - 1] + "…")


def _titles_of_store(db: Database) -> dict[str, int | None]:
    """{title key: paper id} of every stored paper (None for a key several papers share)."""
    found: dict[str, int | None] = {}
    with db.read() as conn:
        for paper_id, _arxiv_id, title in library_store.titles(conn):
            key = title_key(title)
            found[key] = None if key in found and found[key] != paper_id else paper_id
    return found


def _unmatched_reason(entry: Entry, by_title: str) -> str:
    if entry.doi:
        return (
            f"no arXiv id; its DOI {entry.doi} is not arXiv's (this site keeps no other DOIs); "
            f"{by_title}"
        )
    return f"no arXiv id or DOI; {by_title}"


class _Matcher:
    """Entries resolved against the store: papers found, ids to fetch, entries unmatched."""

    def __init__(self, db: Database, entries: list[Entry], now: datetime):
        self.paper_ids: list[int] = []
        self.to_fetch: list[str] = []
        self.unmatched: list[Unmatched] = []
        self.matched = 0
        wanted = [e.arxiv_id for e in entries if e.arxiv_id]
        with db.read() as conn:
            self.stored = library_store.ids_of(conn, wanted)
            self.missing = library_store.missing_since(conn, wanted, now - MISS_LIFETIME)
        needs_titles = any(e.malformed is None and not e.arxiv_id and e.title for e in entries)
        self.titles = _titles_of_store(db) if needs_titles else {}
        for entry in entries:
            self._resolve(entry)

    def _found(self, paper_id: int) -> None:
        self.paper_ids.append(paper_id)
        self.matched += 1

    def _resolve(self, entry: Entry) -> None:
        if entry.malformed is not None:
            self.unmatched.append(Unmatched(entry.name, entry.malformed))
        elif entry.arxiv_id and entry.arxiv_id in self.stored:
            self._found(self.stored[entry.arxiv_id])
        elif entry.arxiv_id and entry.arxiv_id in self.missing:
            reason = f"arXiv has no paper {entry.arxiv_id}"
            self.unmatched.append(Unmatched(entry.name, reason))
        elif entry.arxiv_id:
            self.to_fetch.append(entry.arxiv_id)
        else:
            self._by_title(entry)

    def _by_title(self, entry: Entry) -> None:
        key = title_key(entry.title)
        if len(key) < SHORTEST_TITLE:
            reason = "its title is too short to match" if key else "it has no title"
            self.unmatched.append(Unmatched(entry.name, _unmatched_reason(entry, reason)))
        elif self.titles.get(key) is not None:
            self._found(self.titles[key])
        else:
            shared = key in self.titles
            reason = (
                "several stored papers have its title"
                if shared
                else ("no stored paper has its title")
            )
            self.unmatched.append(Unmatched(entry.name, _unmatched_reason(entry, reason)))


def import_file(
    db: Database, owner: User, filename: str | None, data: bytes, *, now: datetime | None = None
) -> ImportReport:
    """Import an uploaded file into a new private collection of ``owner``. Raises NotText,
    UnknownFormat, TooLarge (the file as a whole), TooManyCollections, quotas.Exceeded."""
    now = now or datetime.now(UTC)
    fmt, entries = formats.read(data)
    matcher = _Matcher(db, entries, now)
    to_fetch = list(dict.fromkeys(matcher.to_fetch))
    unmatched = matcher.unmatched + [
        Unmatched(arxiv_id, f"not fetched: one import fetches at most {MAX_FETCHES:,} new papers")
        for arxiv_id in to_fetch[MAX_FETCHES:]
    ]
    to_fetch = to_fetch[:MAX_FETCHES]
    with db.write() as conn:
        quotas.take(conn, IMPORTS, str(owner.id), now)
        values = {
            "title": collection_title(filename),
            "description": f"{len(entries):,} entries of a {fmt} file.",
            "private": True,
        }
        collection_id = collections.make(conn, owner, values)
        collections.add_papers(conn, collection_id, matcher.paper_ids)
        library_store.queue(conn, collection_id, to_fetch, now)
        made = Collection.from_row(collection_store.get(conn, collection_id))
    if to_fetch:
        background.wake(fetching.JOB)  # a job of this process fetches them now, if it runs here
    return ImportReport(made, matcher.matched, len(to_fetch), unmatched)
