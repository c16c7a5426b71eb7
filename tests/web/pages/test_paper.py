"""A paper's page over HTTP: its standing, redirects to one address, old-style ids, a 404; its
discussion in pages of threads, each thread's own pages, whatever the threads hold."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from dailypapers.papers import catalog, discussion, threads
from tests.support import data
from tests.support.corpora import HOSTILE_ID, UNLISTED_ID
from tests.support.web import page_token

pytestmark = pytest.mark.store("feed")

PAPER = "2506.08007"


def cards_of(html: str) -> list[str]:
    """arXiv ids of the cards on a page, in order."""
    return re.findall(
        r'<h2 class="card-title" id="t\d+"><a class="tex" href="/papers/([^"]+)"', html
    )


def test_it_shows_a_paper_with_its_standing_in_its_day(client):
    page = client.get("/papers/2506.08007")
    assert page.status_code == 200
    text = page.text
    assert '<h1 id="paper-title" class="tex">Reinforcement Pre-Training</h1>' in text
    authors = "Qingxiu Dong, Li Dong, Yao Tang, Tianzhu Ye, Yutao Sun, Zhifang Sui, Furu Wei"
    assert authors in re.sub(r"<[^>]+>", "", text)
    assert '<a class="author" href="/authors/Li%20Dong">Li Dong</a>' in text
    assert "#1 of 28</a> that day" in text
    assert 'href="https://arxiv.org/abs/2506.08007"' in text
    assert 'href="https://arxiv.org/pdf/2506.08007"' in text
    assert "Jun 9, 2025" in text and "Jun 10, 2025" in text
    assert 'submitted by <a href="/users/unilm">unilm</a>' in text


@pytest.mark.parametrize("spelling", ["2506.08007v1", "2506.08007v12"])
def test_it_redirects_a_versioned_id_to_the_paper(client, spelling):
    response = client.get(f"/papers/{spelling}", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/papers/2506.08007"


def test_it_serves_old_style_ids_with_a_slash(client, db):
    data.store(
        db, data.paper("hep-th/9901001", "Old Strings", abstract="Branes.", authors=["Ed Old"])
    )
    assert client.get("/papers/hep-th/9901001").status_code == 200
    response = client.get("/papers/hep-th/9901001v2", follow_redirects=False)
    assert response.headers["location"] == "/papers/hep-th/9901001"
    # arXiv drops the subject class of old-style ids; so do we.
    assert (
        client.get("/papers/math.AG/9901001", follow_redirects=False).headers["location"]
        == "/papers/math/9901001"
    )


def test_it_answers_an_unknown_paper_with_a_404_page_and_a_search_box(client):
    page = client.get("/papers/2412.99999")
    assert page.status_code == 404
    assert 'id="error-search"' in page.text and 'value="2412.99999"' in page.text
    assert 'href="/submit?paper=2412.99999"' in page.text


def test_it_keeps_the_paper_that_is_in_no_feed_readable(client):
    page = client.get(f"/papers/{UNLISTED_ID}")
    assert page.status_code == 200 and "Standing" not in page.text


def test_it_links_github_when_the_feed_knows_the_repository(client, db):
    newest, _ = catalog.newest(db, 500)
    paper = next(card for card in newest if card.github_repo)
    page = client.get(f"/papers/{paper.arxiv_id}")
    assert f'href="{paper.github_repo}"' in page.text


def test_it_shows_html_in_titles_and_abstracts_as_text(client):
    for path in ("/papers/date/2025-06-16", f"/papers/{HOSTILE_ID}"):
        text = client.get(path).text
        assert "<script>alert" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in text
        assert "$O(n^2)$" in text  # left for KaTeX to draw in the browser
    assert "Mallory &lt;b&gt;Evil&lt;/b&gt;" in client.get(f"/papers/{HOSTILE_ID}").text


# -- the discussion: pages of threads, whatever they hold -----------------------------------------


class _Nesting(HTMLParser):
    """Checks that lists and items open and close in order; records the deepest comment."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.deepest = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("ol", "li"):
            self.open.append(tag)
            if tag == "li" and ("class", "comment") in attrs:
                self.deepest = max(self.deepest, self.open.count("ol") - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "li"):
            assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"


def _discussion_nesting(page: str) -> int:
    """How deep the page's comments nest (0: top level), checking its lists are well formed."""
    section = page.split('<section class="discussion"', 1)[1].split("</section>", 1)[0]
    parser = _Nesting()
    parser.feed(section)
    assert parser.open == []
    return parser.deepest


# More replies than two pages of a thread hold, each a reply to the one before: far deeper
# than a page nests, and more than one page shows.
NESTED = 2 * threads.THREAD_PAGE + 50


@pytest.mark.slow
def test_it_keeps_a_paper_page_up_under_hundreds_of_nested_replies(client, db, alice):
    parent = None
    for i in range(NESTED):
        parent = discussion.post(
            db, alice.id, PAPER, f"Reply {i}", parent, limits=discussion.UNLIMITED
        ).id
    page = client.get(f"/papers/{PAPER}")
    assert page.status_code == 200 and f"{NESTED:,} comments" in page.text
    assert _discussion_nesting(page.text) == threads.MAX_DEPTH
    shown = threads.REPLIES_SHOWN
    more = f"{NESTED - 1 - shown:,} more replies in this thread"
    assert f"Reply {shown}<" in page.text and f"Reply {shown + 1}<" not in page.text
    assert more in page.text
    link = page.text.split(more, 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert link.startswith(f"/papers/{PAPER}?thread=")
    seen = set()
    for number in range(1, -(-NESTED // threads.THREAD_PAGE) + 1):
        own = client.get(link.split("#")[0] + f"&comments={number}")
        assert own.status_code == 200
        assert _discussion_nesting(own.text) == threads.MAX_DEPTH
        seen |= {int(n) for n in re.findall(r"<p>Reply (\d+)</p>", own.text)}
    assert seen == set(range(NESTED))  # every reply is on a page of its thread


def test_it_pages_a_discussion_by_threads_and_keeps_replies_with_theirs(alice, db, as_user):
    tops = [
        discussion.post(db, alice.id, PAPER, f"Thread {i}", limits=discussion.UNLIMITED).id
        for i in range(threads.THREADS_PER_PAGE)
    ]
    alice_client = as_user(alice)
    reply = discussion.post(db, alice.id, PAPER, "A reply on page one", tops[0]).id
    assert _posted_to(alice_client, "Thread 50") == (f"/papers/{PAPER}?comments=2", "Thread 50")
    first = alice_client.get(f"/papers/{PAPER}").text
    assert "Thread 49<" in first and "Thread 50<" not in first and "Page 1 of 2" in first
    replies = first.split(f'id="replies-{tops[0]}"', 1)[1].split("</ol>", 1)[0]
    assert f'id="comment-{reply}"' in replies
    assert f'href="/papers/{PAPER}?comments=2#discussion"' in first
    second = alice_client.get(f"/papers/{PAPER}?comments=2").text
    assert "Thread 50<" in second and "Thread 49<" not in second
    assert f'href="/papers/{PAPER}?comments=1#discussion"' in second
    assert _discussion_nesting(second) == 0


def test_it_sends_a_reply_past_a_cut_thread_to_the_threads_own_page(alice, db, as_user):
    top = discussion.post(db, alice.id, PAPER, "Top").id
    for i in range(threads.REPLIES_SHOWN):
        discussion.post(db, alice.id, PAPER, f"Reply {i}", top, limits=discussion.UNLIMITED)
    alice_client = as_user(alice)
    address, _ = _posted_to(alice_client, "One more", top)
    assert address == f"/papers/{PAPER}?thread={top}"
    own = alice_client.get(address).text
    assert "One more" in own and "← All threads" in own
    assert 'id="comment-form"' not in own  # new threads start on the discussion's pages


def _posted_to(client, body: str, parent_id: int | None = None) -> tuple[str, str]:
    """(the address a comment posted without JavaScript is shown at, the comment's body)."""
    fields = {"csrf_token": page_token(client), "body": body}
    if parent_id:
        fields["parent_id"] = str(parent_id)
    posted = client.post(f"/papers/{PAPER}/comments", data=fields, follow_redirects=False)
    address, anchor = posted.headers["location"].split("#comment-", 1)
    shown = client.get(address).text
    assert f'id="comment-{anchor}"' in shown
    return address, body
