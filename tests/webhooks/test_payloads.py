"""The bodies a batch is posted as: valid for Slack's, Discord's and our documented shapes at
any length, split rather than cut, and safe with hostile titles."""

from __future__ import annotations

import dataclasses

import pytest

from dailypapers.webhooks import payloads
from dailypapers.webhooks.records import FORMATS
from tests.support.corpora import HOSTILE_ID
from tests.support.webhook_shapes import PROBLEMS
from tests.webhooks.conftest import batch_of

pytestmark = pytest.mark.store("feed")
BASE = "http://testserver"


def _arxiv_ids(fmt: str, body: dict) -> list[str]:
    """The papers a body carries, by the arXiv id in their links."""
    if fmt == "json":
        return [paper["id"] for paper in body["papers"]]
    if fmt == "discord":
        return [embed["url"].rsplit("/papers/", 1)[1] for embed in body["embeds"]]
    sections = [b["text"]["text"] for b in body["blocks"] if b["type"] == "section"]
    return [text.split("/papers/", 1)[1].split("|", 1)[0] for text in sections]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_body_of_a_long_batch_is_valid_and_together_they_carry_every_paper(fmt, cards):
    twice = cards + cards  # more than one message of every format holds
    bodies = payloads.messages(batch_of(twice), fmt, base_url=BASE)
    assert len(bodies) > 1
    assert [p for body in bodies for p in PROBLEMS[fmt](body)] == []
    carried = [arxiv_id for body in bodies for arxiv_id in _arxiv_ids(fmt, body)]
    assert carried == [card.arxiv_id for card in twice]


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_short_batch_is_one_valid_body(fmt, cards):
    bodies = payloads.messages(batch_of(cards[:3]), fmt, base_url=BASE)
    assert len(bodies) == 1 and PROBLEMS[fmt](bodies[0]) == []
    assert _arxiv_ids(fmt, bodies[0]) == [card.arxiv_id for card in cards[:3]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_batch_sends_nothing(fmt):
    assert payloads.messages(batch_of([]), fmt, base_url=BASE) == []


def test_a_split_batch_says_which_papers_each_message_carries(cards):
    bodies = payloads.messages(batch_of(cards[:45]), "slack", base_url=BASE)
    headers = [body["blocks"][0]["text"]["text"] for body in bodies]
    assert headers == [
        "Language models: new papers 1-20 of 45",
        "Language models: new papers 21-40 of 45",
        "Language models: new papers 41-45 of 45",
    ]
    json_bodies = payloads.messages(batch_of((cards + cards)[:150]), "json", base_url=BASE)
    assert [(b["part"], b["parts"], b["total"], len(b["papers"])) for b in json_bodies] == [
        (1, 2, 150, 100),
        (2, 2, 150, 50),
    ]


def test_a_discord_message_keeps_to_six_thousand_characters_of_embeds_with_long_papers(cards):
    longest = sorted(cards, key=lambda c: len(c.title) + len(c.abstract), reverse=True)[:30]
    bodies = payloads.messages(batch_of(longest), "discord", base_url=BASE)
    assert [p for body in bodies for p in PROBLEMS["discord"](body)] == []
    assert sum(len(body["embeds"]) for body in bodies) == 30


def test_it_keeps_markup_in_a_title_from_becoming_slack_links_or_mentions(cards):
    hostile = [card for card in cards if card.arxiv_id == HOSTILE_ID]
    body = payloads.messages(batch_of(hostile, "<!channel> & co"), "slack", base_url=BASE)[0]
    section = body["blocks"][1]["text"]["text"]
    assert "<script>" not in section and "&lt;script&gt;" in section
    assert "<!channel>" not in body["text"] and "&lt;!channel&gt; &amp; co" in body["text"]


def test_it_keeps_a_discord_message_from_pinging_anyone(cards):
    body = payloads.messages(batch_of(cards[:2], "@everyone"), "discord", base_url=BASE)[0]
    assert body["allowed_mentions"] == {"parse": []}


def test_the_json_body_carries_each_paper_whole(cards):
    card = max(cards, key=lambda c: len(c.abstract))
    paper = payloads.messages(batch_of([card]), "json", base_url=BASE)[0]["papers"][0]
    assert paper["summary"] == card.abstract and paper["title"] == card.title
    assert paper["url"] == f"{BASE}/papers/{card.arxiv_id}"


def test_it_keeps_slack_text_within_its_limit_when_escaping_lengthens_it(cards):
    # "&" becomes "&amp;": five characters for one, counted after escaping.
    hostile = dataclasses.replace(
        cards[0], title="&" * 400, abstract="<>" * 3000, authors=["&"] * 300
    )
    body = payloads.messages(batch_of([hostile], "&" * 3000), "slack", base_url=BASE)[0]
    assert PROBLEMS["slack"](body) == []
    section = body["blocks"][1]["text"]["text"]
    assert "&amp;&amp;" in section and "&lt;&gt;" in section and section.endswith("…")
