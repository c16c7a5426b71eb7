"""Watching and unwatching a paper, a reader's watched papers and what is new on them. Every
function acts for the reader it is given: nobody reads or changes another's watches."""

from __future__ import annotations

from datetime import UTC, datetime

from dailypapers import arxiv_ids
from dailypapers.accounts.records import User
from dailypapers.db.engine import Database
from dailypapers.store import paper_links as link_store
from dailypapers.store import papers as paper_store
from dailypapers.store import watches as watch_store
from dailypapers.watching import news
from dailypapers.watching.records import Change, NoSuchPaper, TooManyWatches, Watch

# Papers one account watches: more than anyone follows paper by paper (feeds follow topics),
# few enough that reading a reader's news (one query per kind of change over all their
# watched papers, a condition per paper) stays a few milliseconds.
MAX_WATCHES_PER_USER = 200
# Changes on the /watching page, newest first: more than a reader scrolls through.
MAX_CHANGES_SHOWN = 100


def _paper_id(conn, arxiv_id: str) -> int:
    try:
        key = arxiv_ids.normalise(arxiv_id)
    except arxiv_ids.InvalidArxivId:
        raise NoSuchPaper(arxiv_id) from None
    paper_id = paper_store.id_of(conn, key)
    if paper_id is None:
        raise NoSuchPaper(arxiv_id)
    return paper_id


def watch(db: Database, reader: User, arxiv_id: str) -> bool:
    """``reader`` watches the paper from now on (watching it again changes nothing); whether
    they now watch it. Raises NoSuchPaper, TooManyWatches."""
    now = news.whole_second(datetime.now(UTC))
    with db.write() as conn:
        paper_id = _paper_id(conn, arxiv_id)
        if watch_store.get(conn, reader.id, paper_id) is not None:
            return True
        if watch_store.count_of_user(conn, reader.id) >= MAX_WATCHES_PER_USER:
            raise TooManyWatches(
                f"an account watches at most {MAX_WATCHES_PER_USER} papers: unwatch one first"
            )
        paper = paper_store.get(conn, arxiv_ids.normalise(arxiv_id))
        urls = [link["url"] for link in link_store.of_papers(conn, [paper_id]).get(paper_id, [])]
        watch_store.insert(
            conn,
            {
                "user_id": reader.id,
                "paper_id": paper_id,
                "base_version": paper["version"],
                "base_links": urls,
                "seen_at": now,
                "seen_version": paper["version"],
                "seen_links": urls,
                "created_at": now,
            },
        )
    return True


def unwatch(db: Database, reader: User, arxiv_id: str) -> bool:
    """``reader`` no longer watches the paper (unwatching twice changes nothing); whether they
    now watch it (never). Raises NoSuchPaper."""
    with db.write() as conn:
        watch_store.remove(conn, reader.id, _paper_id(conn, arxiv_id))
    return False


def is_watching(db: Database, reader: User | None, arxiv_id: str) -> bool:
    """Whether ``reader`` (signed in) watches the paper. Raises NoSuchPaper."""
    with db.read() as conn:
        paper_id = _paper_id(conn, arxiv_id)
        return reader is not None and watch_store.get(conn, reader.id, paper_id) is not None


def watched(db: Database, reader: User) -> list[Watch]:
    """The papers ``reader`` watches, newest watch first."""
    with db.read() as conn:
        rows = watch_store.of_users(conn, [reader.id])
    return [Watch(r["paper_id"], r["arxiv_id"], r["title"], r["created_at"]) for r in rows]


def changes(db: Database, reader: User) -> tuple[list[Watch], list[Change]]:
    """The papers ``reader`` watches, and every change on them since each was watched, newest
    first (at most :data:`MAX_CHANGES_SHOWN`)."""
    with db.read() as conn:
        rows = watch_store.of_users(conn, [reader.id])
        found = news.since(conn, reader.id, rows, told=False)
    watches = [Watch(r["paper_id"], r["arxiv_id"], r["title"], r["created_at"]) for r in rows]
    every = sorted((c for n in found for c in n.changes), key=lambda c: c.at, reverse=True)
    return watches, every[:MAX_CHANGES_SHOWN]
