"""The rows the pipeline derives from a paper it writes: its authors, each with the key names are
matched by, and its code links. New papers' rows are added in bulk (they have none to replace);
changed papers' rows are rewritten."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from dailypapers import code_links
from dailypapers.name_keys import name_key, surname_key
from dailypapers.store import authors as author_store
from dailypapers.store import bulk as bulk_store
from dailypapers.store import paper_links as link_store

# Names recur across papers (an author's papers, the same collaboration's long lists), and
# folding one costs tens of microseconds (TeX, Unicode decomposition): the keys of this many
# names are kept, a few MB, enough for the names of the batches around the current one.
NAME_KEYS_KEPT = 1 << 16

Written = list[tuple[int, dict[str, Any]]]  # (paper id, its merged row)


@lru_cache(maxsize=NAME_KEYS_KEPT)
def _key_of(name: str) -> str:
    return name_key(name)


def write(conn: Connection, new: Written, changed: Written) -> None:
    """The author and link rows of these papers: added for the new, rewritten for the changed."""
    bulk_store.insert_authors(conn, _author_rows(new))
    bulk_store.insert_links(conn, _link_rows(new))
    changed_ids = [paper_id for paper_id, _ in changed]
    author_store.replace(conn, changed_ids, _author_rows(changed))
    link_store.replace(conn, changed_ids, _link_rows(changed))


def _author_rows(written: Written) -> list[dict[str, Any]]:
    """Each name of these papers with its key, in the paper's order (keyless names left out)."""
    return [
        {"paper_id": paper_id, "position": position, "name": name, "name_key": key,
         "surname_key": surname_key(key)}
        for paper_id, row in written
        for position, name in enumerate(row["authors"] or [])
        if (key := _key_of(name))
    ]  # fmt: skip


def _link_rows(written: Written) -> list[dict[str, Any]]:
    """The links of these papers, found in their abstract and comment and given by the upstream
    feed (repository, project page)."""
    return [
        {"paper_id": paper_id, "position": position, "url": link.url, "kind": link.kind,
         "source": link.source}
        for paper_id, row in written
        for position, link in enumerate(
            code_links.links_of(row["abstract"], row["comment"], github_repo=row["github_repo"],
                                project_page=row["project_page"])
        )
    ]  # fmt: skip
