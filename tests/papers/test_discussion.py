"""Posting comments: depth bounded when written, HTML stored when written, each author's quota;
and how a paper's threads are laid out (papers.threads)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from dailypapers.cli import main
from dailypapers.db.schema import comments
from dailypapers.papers import comment_markup, detail, discussion, threads
from tests.support import data

pytestmark = pytest.mark.store("feed")

PAPER = "2506.08007"


def _chain(db, user, length: int) -> list:
    """``length`` comments, each a reply to the one before."""
    posted, parent = [], None
    for i in range(length):
        comment = discussion.post(
            db, user.id, PAPER, f"Reply {i}", parent, limits=discussion.UNLIMITED
        )
        posted.append(comment)
        parent = comment.id
    return posted


def test_it_stores_a_reply_to_the_deepest_level_below_its_parent(db, alice):
    chain = _chain(db, alice, threads.MAX_DEPTH + 3)
    assert [c.depth for c in chain] == [*range(threads.MAX_DEPTH + 1), *[threads.MAX_DEPTH] * 2]
    deepest_parent = chain[threads.MAX_DEPTH - 1]
    # Replies to a comment at the deepest level land beside it, under the same parent.
    assert [c.parent_id for c in chain[threads.MAX_DEPTH :]] == [deepest_parent.id] * 3
    view = detail.load(db, PAPER)
    assert [e.depth for e in view.discussion.entries] == [c.depth for c in chain]
    assert all(e.reply_into == deepest_parent.id for e in view.discussion.entries[-3:])


def test_it_flattens_a_thread_thousands_deep_without_recursing():
    # Comments stored before depth was bounded can nest without end; they show at the bound.
    outline = [(1, None)] + [(i, i - 1) for i in range(2, 5001)] + [(5001, None), (5002, 3)]
    flat = threads.flatten(outline)
    assert [len(thread) for thread in flat] == [5001, 1]
    first = flat[0]
    assert first[:4] == [(1, 0), (2, 1), (3, 2), (4, 3)]
    assert first[-1] == (5002, 3)  # a later reply to the third comment follows its replies
    assert max(depth for _, depth in first) == threads.MAX_DEPTH


def test_it_shows_a_reply_to_a_deleted_comment_as_a_thread_of_its_own(db, alice, bob):
    first = discussion.post(db, alice.id, PAPER, "Soon gone.")
    reply = discussion.post(db, bob.id, PAPER, "Still here.", first.id)
    discussion.delete(db, alice, first.id)
    entries = detail.load(db, PAPER).discussion.entries
    assert [(e.comment.id, e.depth) for e in entries] == [(reply.id, 0)]
    assert detail.load(db, PAPER).comment_count == 1


@pytest.mark.parametrize(
    "body",
    [
        "[" * 10_000,
        "![" * 5_000,
        ">" * 10_000,
        "> - " * 2_500,
        "\n".join("  " * i + "- item" for i in range(90)),
    ],
    ids=["brackets", "images", "quotes", "quoted-lists", "nested-lists"],
)
def test_it_renders_a_pathological_body_once_when_it_is_written(db, alice, body):
    posted = discussion.post(db, alice.id, PAPER, body)
    assert posted.html == comment_markup.render(body.strip())
    shown = detail.load(db, PAPER).discussion.entries[0].comment
    assert shown.html == posted.html and shown.body == body.strip()


def test_it_fills_in_the_html_of_comments_written_before_it_was_stored(db, settings, alice):
    posted = discussion.post(db, alice.id, PAPER, "Old **comment** <b>x</b>")
    # What migration 0008 leaves for comments written before it: no HTML.
    with db.write() as conn:
        conn.execute(update(comments).where(comments.c.id == posted.id).values(html=None))
    waiting = detail.load(db, PAPER).discussion.entries[0].comment
    assert waiting.html == "<p>Old **comment** &lt;b&gt;x&lt;/b&gt;</p>"  # text, not parsed
    env = {
        "DAILYPAPERS_DATABASE_URL": settings.resolved_database_url,
        "DAILYPAPERS_DATA_DIR": str(settings.data_dir),
        "DAILYPAPERS_SECRET_KEY": settings.secret_key,
    }
    upgraded = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert upgraded.exit_code == 0, upgraded.output
    assert discussion.store_missing_html(db) == 0  # nothing left to fill in
    shown = detail.load(db, PAPER).discussion.entries[0].comment
    assert shown.html == "<p>Old <strong>comment</strong> &lt;b&gt;x&lt;/b&gt;</p>\n"


def test_it_stops_one_user_flooding_a_thread_with_comments(db, alice, bob):
    limits = discussion.LIMITS
    first = discussion.post(db, alice.id, PAPER, "One")
    for i in range(limits.per_minute - 1):
        discussion.post(db, alice.id, PAPER, f"Reply {i}", first.id)
    with pytest.raises(discussion.TooManyComments) as refused:
        discussion.post(db, alice.id, PAPER, "One too many", first.id)
    assert 1 <= refused.value.retry_after <= 60
    assert str(refused.value) == "Too many comments. Try again in a minute."
    assert discussion.count(db, data.paper_id(db, PAPER)) == limits.per_minute
    discussion.post(db, bob.id, PAPER, "Someone else may still talk.", first.id)


def test_it_counts_no_quota_for_a_refused_comment(db, alice):
    for _ in range(discussion.LIMITS.per_minute + 1):
        with pytest.raises(discussion.InvalidComment):
            discussion.post(db, alice.id, PAPER, "   ")
    with pytest.raises(discussion.ParentNotFound):
        discussion.post(db, alice.id, PAPER, "Hi", 2**62)
    discussion.post(db, alice.id, PAPER, "Still allowed.")


def test_it_pages_threads_and_cuts_long_ones_short(db, alice):
    tops = [
        discussion.post(db, alice.id, PAPER, f"Thread {i}", limits=discussion.UNLIMITED)
        for i in range(threads.THREADS_PER_PAGE + 1)
    ]
    replies = [
        discussion.post(db, alice.id, PAPER, f"Reply {i}", tops[0].id, limits=discussion.UNLIMITED)
        for i in range(threads.REPLIES_SHOWN + 2)
    ]
    first = detail.load(db, PAPER).discussion
    assert (first.page, first.pages) == (1, 2)
    assert [e.comment.id for e in first.entries if e.depth == 0] == [
        c.id for c in tops[: threads.THREADS_PER_PAGE]
    ]
    cut = first.entries[threads.REPLIES_SHOWN]
    assert cut.comment.id == replies[threads.REPLIES_SHOWN - 1].id
    assert cut.more == threads.MoreReplies(tops[0].id, 2, replies[threads.REPLIES_SHOWN].id)
    last = detail.load(db, PAPER, page=99).discussion
    assert last.page == 2 and [e.comment.id for e in last.entries] == [tops[-1].id]
    own = detail.load(db, PAPER, thread=replies[-1].id).discussion
    assert own.thread_id == tops[0].id and len(own.entries) == len(replies) + 1
    assert discussion.place(db, replies[-1].id) == threads.Place(1, tops[0].id)
    assert discussion.place(db, tops[-1].id) == threads.Place(2)


def test_it_leads_a_later_page_of_a_thread_with_the_comments_it_continues(db, alice):
    chain = _chain(db, alice, 3)
    for i in range(threads.THREAD_PAGE):
        discussion.post(db, alice.id, PAPER, f"Deep {i}", chain[-1].id, limits=discussion.UNLIMITED)
    page = detail.load(db, PAPER, thread=chain[0].id, page=2).discussion
    assert (page.page, page.pages) == (2, 2)
    assert [(e.comment.id, e.depth) for e in page.entries[:3]] == [
        (c.id, depth) for depth, c in enumerate(chain)
    ]
    assert [e.ends for e in page.entries] == [0, 0, 0, *[1] * (len(page.entries) - 4), 4]
