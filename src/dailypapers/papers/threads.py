"""A paper's discussion laid out for reading: its threads in pages, each thread flattened.

A thread is a top-level comment and every reply below it. Nothing here or in the templates
recurses: a thread is flattened once into its comments in reading order (a comment, then its
replies, oldest first), each with the depth it is shown at and how many levels of nesting end
after it, and the page loops over that list once.

- The discussion (``page``): :data:`THREADS_PER_PAGE` threads a page, oldest first, each with
  its first :data:`REPLIES_SHOWN` replies; a longer thread ends with a link to its own page.
- A thread's own page (``thread``): :data:`THREAD_PAGE` of its comments a page, each page after
  the first led by the comments it continues (so a reply is never shown without its parents).

The shape is read first (ids and parents only, :func:`dailypapers.store.comments.outline`) and
only the page's comments are read whole, so a paper with thousands of comments reads a page's
worth of bodies.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from dailypapers.papers.records import Comment
from dailypapers.store import comments as comment_store

# The deepest a reply is nested (0 is a top-level comment). Each level indents a reply; six
# keep three quarters of a phone's column for the text, and a conversation that goes on past
# them continues at the sixth level (a reply to a comment there is stored as a reply to its
# parent, right below it), as forums do. The bound also keeps a page's markup shallow whatever
# a thread holds.
MAX_DEPTH = 6
# Threads on one page of a discussion: a long evening's reading, and a bounded page.
THREADS_PER_PAGE = 50
# Replies shown with each thread on the discussion page: enough to follow most threads there;
# 50 threads of 10 replies keep the page at most 550 comments, fast to build and to read.
REPLIES_SHOWN = 10
# Comments on one page of a single thread's own page.
THREAD_PAGE = 100


@dataclass(frozen=True, slots=True)
class MoreReplies:
    """A thread cut short on the discussion page: ``count`` more replies on its own page, the
    first of them ``first_id``."""

    thread_id: int
    count: int
    first_id: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One comment as the page shows it: at ``depth`` (0 to :data:`MAX_DEPTH`), followed by the
    end of ``ends`` levels of nesting (its own and its parents' whose last reply it is). A reply
    to it lands in the replies of ``reply_into`` (itself, or at the deepest level its parent)."""

    comment: Comment
    depth: int
    ends: int
    reply_into: int
    more: MoreReplies | None = None  # on the thread's last shown comment when it is cut short


@dataclass(frozen=True)
class Discussion:
    """One page of a paper's discussion, or of one of its threads (``thread_id``)."""

    entries: list[Entry]
    comment_count: int  # the paper's visible comments
    page: int
    pages: int
    thread_id: int | None = None
    thread_on_page: int = 1  # for a thread's own page: the discussion page that lists it


@dataclass(frozen=True, slots=True)
class Place:
    """Where a comment is shown: page ``page`` of the discussion, or of its thread's own page
    when ``thread_id`` is set (a reply past the first :data:`REPLIES_SHOWN` of its thread)."""

    page: int
    thread_id: int | None = None


# A comment's id and the depth it is shown at, in reading order.
Flat = list[tuple[int, int]]


def flatten(outline: Sequence[tuple[int, int | None]]) -> list[Flat]:
    """Each thread of ``outline`` ((id, parent_id) of the visible comments, oldest first) in
    reading order. A reply whose parent is hidden starts a thread of its own rather than being
    lost; one deeper than :data:`MAX_DEPTH` (stored before the bound) is shown at it."""
    visible = {comment_id for comment_id, _ in outline}
    replies: dict[int | None, list[int]] = defaultdict(list)
    for comment_id, parent_id in outline:
        replies[parent_id if parent_id in visible else None].append(comment_id)
    threads: list[Flat] = []
    for root in replies[None]:
        flat: Flat = []
        stack = [(root, 0)]
        while stack:
            comment_id, depth = stack.pop()
            flat.append((comment_id, depth))
            below = min(depth + 1, MAX_DEPTH)
            stack.extend((reply, below) for reply in reversed(replies.get(comment_id, ())))
        threads.append(flat)
    return threads


def load(
    conn: Connection, paper_id: int, *, page: int = 1, thread: int | None = None
) -> Discussion:
    """Page ``page`` of the paper's discussion, or of the thread ``thread`` (a comment's id: the
    thread it is in) when that is shown; pages past the last show the last."""
    threads = flatten(comment_store.outline(conn, paper_id))
    count = sum(len(flat) for flat in threads)
    index = _thread_index(threads, thread) if thread is not None else None
    if index is None:
        pages = max(1, math.ceil(len(threads) / THREADS_PER_PAGE))
        page = min(page, pages)
        start = (page - 1) * THREADS_PER_PAGE
        shown, more = _discussion_page(threads[start : start + THREADS_PER_PAGE])
        return Discussion(_entries(conn, shown, more), count, page, pages)
    flat = threads[index]
    pages = max(1, math.ceil(len(flat) / THREAD_PAGE))
    page = min(page, pages)
    shown = _thread_page(flat, page)
    entries = _entries(conn, shown, {})
    thread_on_page = index // THREADS_PER_PAGE + 1
    return Discussion(entries, count, page, pages, flat[0][0], thread_on_page)


def place_of(conn: Connection, paper_id: int, comment_id: int) -> Place:
    """The page that shows the comment (page 1 of the discussion if it is not shown)."""
    threads = flatten(comment_store.outline(conn, paper_id))
    index = _thread_index(threads, comment_id)
    if index is None:
        return Place(1)
    position = next(i for i, (found, _) in enumerate(threads[index]) if found == comment_id)
    if position <= REPLIES_SHOWN:
        return Place(index // THREADS_PER_PAGE + 1)
    return Place(position // THREAD_PAGE + 1, threads[index][0][0])


def entry_of(comment: Comment) -> Entry:
    """A comment just posted, shown on its own (the fragment a form's answer appends): at its
    stored depth, with its replies' list closed after it."""
    deepest = comment.depth >= MAX_DEPTH and comment.parent_id is not None
    return Entry(comment, comment.depth, 1, comment.parent_id if deepest else comment.id)


def _thread_index(threads: list[Flat], comment_id: int) -> int | None:
    for index, flat in enumerate(threads):
        if any(found == comment_id for found, _ in flat):
            return index
    return None


def _discussion_page(threads: list[Flat]) -> tuple[Flat, dict[int, MoreReplies]]:
    """The threads' first comments, and the link that ends each thread cut short (by the id of
    its last shown comment)."""
    shown: Flat = []
    more: dict[int, MoreReplies] = {}
    for flat in threads:
        head = flat[: REPLIES_SHOWN + 1]
        shown.extend(head)
        if len(flat) > len(head):
            more[head[-1][0]] = MoreReplies(flat[0][0], len(flat) - len(head), flat[len(head)][0])
    return shown, more


def _thread_page(flat: Flat, page: int) -> Flat:
    """Page ``page`` of one thread, led by the parents of its first comment (pages after the
    first start inside the thread)."""
    start = (page - 1) * THREAD_PAGE
    part = flat[start : start + THREAD_PAGE]
    parents: Flat = []
    wanted = part[0][1] if part else 0
    for comment_id, depth in reversed(flat[:start]):
        if depth < wanted:
            parents.append((comment_id, depth))
            wanted = depth
        if wanted == 0:
            break
    return parents[::-1] + part


def _entries(conn: Connection, shown: Flat, more: dict[int, MoreReplies]) -> list[Entry]:
    """The shown comments read whole, with where each one's nesting ends and replies land."""
    rows = comment_store.with_ids(conn, [comment_id for comment_id, _ in shown])
    entries: list[Entry] = []
    parents: list[int] = []  # the ids of the shown comments above the current one, top first
    for index, (comment_id, depth) in enumerate(shown):
        following = shown[index + 1][1] if index + 1 < len(shown) else 0
        del parents[depth:]
        reply_into = comment_id if depth < MAX_DEPTH or not parents else parents[-1]
        entries.append(
            Entry(
                Comment.from_row(rows[comment_id]),
                depth,
                ends=max(0, depth - following + 1),
                reply_into=reply_into,
                more=more.get(comment_id),
            )
        )
        parents.append(comment_id)
    return entries
