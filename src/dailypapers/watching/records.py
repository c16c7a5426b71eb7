"""What the watching package hands up: a watch, one change to a watched paper, a paper's news,
and the named errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


class NoSuchPaper(LookupError):
    """No stored paper of that arXiv id (or no arXiv id at all)."""


class TooManyWatches(ValueError):
    """The reader watches as many papers as one account may."""


@dataclass(frozen=True, slots=True)
class Watch:
    """A paper ``user_id`` watches, since ``watched_at``."""

    paper_id: int
    arxiv_id: str
    title: str
    watched_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"id": self.arxiv_id, "title": self.title, "watchedAt": self.watched_at}


@dataclass(frozen=True, slots=True)
class Change:
    """One thing new on a watched paper: ``kind`` "version", "link" or "comment", when it
    happened (as the site learnt it), what it is in words, and the address that shows it."""

    kind: str
    arxiv_id: str
    title: str
    at: datetime
    what: str
    href: str


@dataclass(frozen=True, slots=True)
class News:
    """A watched paper's changes since a moment, newest first, and the paper's state they
    were read from (what the reader has been told once they see them)."""

    watch_id: int
    paper_id: int
    arxiv_id: str
    title: str
    changes: tuple[Change, ...]
    version: int | None
    links: tuple[str, ...]

    def summary(self) -> str:
        """The changes in one line ("version 3 · 2 new comments · a new code link")."""
        kinds = [c.kind for c in self.changes]
        parts = [c.what for c in self.changes if c.kind == "version"][:1]
        if kinds.count("link"):
            parts.append(_counted(kinds.count("link"), "a new link", "new links"))
        if kinds.count("comment"):
            parts.append(_counted(kinds.count("comment"), "a new comment", "new comments"))
        return " · ".join(parts)


def _counted(count: int, one: str, many: str) -> str:
    return one if count == 1 else f"{count} {many}"
