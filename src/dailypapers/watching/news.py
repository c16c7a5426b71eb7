"""What is new on watched papers since a moment, read from the papers as they are: a version
above the one recorded, links whose URLs were not recorded, and visible comments by others
written after the moment. A watcher's own comments and hidden ones are never news."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from dailypapers.store import paper_links as link_store
from dailypapers.store import watches as watch_store
from dailypapers.watching.records import Change, News

# Comments read per reader and call: more than a page of news shows; the newest win. A paper
# with a busy discussion cannot hide the other papers' news behind it beyond this.
MAX_COMMENTS = 200
LINK_WORDS = {"code": "code", "model": "a model", "dataset": "a dataset", "demo": "a demo",
              "project": "a project page"}  # fmt: skip


def since(
    conn: Connection, user_id: int, rows: Sequence[Mapping[str, Any]], *, told: bool
) -> list[News]:
    """News of each of the reader's watch ``rows`` (store rows): since they were watched, or,
    with ``told``, since what their digest last told them. Papers without news are left out."""
    if not rows:
        return []
    links = link_store.of_papers(conn, [row["paper_id"] for row in rows])
    moments = {row["paper_id"]: row["seen_at" if told else "created_at"] for row in rows}
    found: dict[int, list[Change]] = {}
    for comment in watch_store.comments_since(conn, user_id, moments, limit=MAX_COMMENTS):
        found.setdefault(comment["paper_id"], []).append(_comment(comment, rows))
    news = []
    for row in rows:
        version, known = (
            (row["seen_version"], row["seen_links"])
            if told
            else (row["base_version"], row["base_links"])
        )
        paper_links = links.get(row["paper_id"], [])
        changes = [*_version(row, version), *_links(row, paper_links, set(known or ()))]
        changes += found.get(row["paper_id"], [])
        if changes:
            changes.sort(key=lambda c: c.at, reverse=True)
            urls = tuple(link["url"] for link in paper_links)
            paper = (row["paper_id"], row["arxiv_id"], row["title"])
            news.append(News(row["id"], *paper, tuple(changes), row["paper_version"], urls))
    return news


def _comment(comment: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]) -> Change:
    row = next(r for r in rows if r["paper_id"] == comment["paper_id"])
    return Change(
        "comment",
        row["arxiv_id"],
        row["title"],
        comment["created_at"],
        f"a new comment by {comment['author_username']}",
        f"/papers/{row['arxiv_id']}#comment-{comment['id']}",
    )


def _version(row: Mapping[str, Any], before: int | None) -> list[Change]:
    """A version above ``before`` (unknown: the first version is no news)."""
    now = row["paper_version"]
    if now is None or now <= (before if before is not None else 1):
        return []
    href = f"https://arxiv.org/abs/{row['arxiv_id']}v{now}"
    what = f"version {now} on arXiv"
    return [Change("version", row["arxiv_id"], row["title"], _changed_at(row), what, href)]


def _links(
    row: Mapping[str, Any], links: Sequence[Mapping[str, Any]], known: set[str]
) -> list[Change]:
    return [
        Change(
            "link",
            row["arxiv_id"],
            row["title"],
            _changed_at(row),
            f"a link to {LINK_WORDS.get(link['kind'], link['kind'])}",
            link["url"],
        )  # fmt: skip
        for link in links
        if link["url"] not in known
    ]


def _changed_at(row: Mapping[str, Any]) -> datetime:
    """When the site learnt of a version or link: the paper's last change in the store."""
    return row["paper_modified_at"] or row["created_at"]


def whole_second(moment: datetime) -> datetime:
    """A watch's moments are whole seconds, as SQLite stamps comments: a comment in the second
    a reader watched or was told is news (once more at worst), never lost."""
    return moment.replace(microsecond=0)


def untold(conn: Connection, user_ids: Sequence[int]) -> dict[int, list[News]]:
    """{reader: the news of their watched papers their digest has not told them yet}, in the
    caller's transaction (the digest's composing round)."""
    by_user: dict[int, list[dict[str, Any]]] = {}
    for row in watch_store.of_users(conn, user_ids):
        by_user.setdefault(row["user_id"], []).append(row)
    return {user: since(conn, user, rows, told=True) for user, rows in by_user.items()}


def mark_told(conn: Connection, told: Sequence[News], at: datetime) -> None:
    """The reader has been told of ``told`` (in a digest composed at ``at``): their next digest
    tells only what is newer, so a paper that changed twice in between appears once."""
    moment = whole_second(at)
    rows = [
        {
            "id": n.watch_id,
            "seen_at": moment,
            "seen_version": n.version,
            "seen_links": list(n.links),
        }
        for n in told
    ]
    watch_store.mark_seen(conn, rows)
