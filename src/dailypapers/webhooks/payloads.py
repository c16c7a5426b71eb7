"""The bodies a batch of papers is posted as: a Slack incoming webhook's message, a Discord
webhook's message, or our plain JSON.

A batch too long for one message of its format is split into several, each saying which papers
of how many it carries ("papers 21-40 of 45"): no paper is ever dropped to fit. Only text a
receiver would cut anyway is shortened, visibly (an ellipsis, the link to the whole paper
beside it): a title past Discord's 256 characters, a summary longer than a chat message should
be. Our JSON carries every paper's full text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from dailypapers.papers.records import Card
from dailypapers.webhooks.records import Batch, Format

# Slack (https://api.slack.com/reference/block-kit/blocks): 50 blocks a message, 3,000
# characters in a text field, 150 in a header.
SLACK_BLOCKS = 50
SLACK_TEXT = 3000
SLACK_HEADER = 150
# Two blocks a paper (its section and its context line) plus a header and a footer: 20 papers
# use 42 of the 50 blocks and keep a message short enough to read in a channel.
SLACK_PAPERS = 20
# Discord (https://discord.com/developers/docs/resources/message#embed-object-embed-limits):
# 10 embeds a message, titles of 256 characters, descriptions of 4,096, footers of 2,048, 6,000
# characters in all of a message's embeds, and 2,000 in its content.
DISCORD_EMBEDS = 10
DISCORD_TITLE = 256
DISCORD_DESCRIPTION = 4096
DISCORD_FOOTER = 2048
DISCORD_EMBED_TOTAL = 6000
DISCORD_CONTENT = 2000
# Our JSON: the API's largest page, so a receiver's body limit that takes one takes the other.
JSON_PAPERS = 100
# What a chat message shows of a paper: enough to decide whether to open it.
CHAT_TITLE = 300
CHAT_AUTHORS = 200
CHAT_SUMMARY = 600
EVENT = "papers"


def messages(batch: Batch, fmt: Format, *, base_url: str) -> list[dict[str, Any]]:
    """The bodies that carry ``batch`` in format ``fmt``, in order (none for no papers)."""
    if not batch.papers:
        return []
    build = {"slack": _slack, "discord": _discord, "json": _json}[fmt]
    return build(batch, base_url.rstrip("/"))


def paper_url(base_url: str, card: Card) -> str:
    return f"{base_url}/papers/{card.arxiv_id}"


def clip(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, an ellipsis saying when some were left out."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _summary(card: Card) -> str:
    return card.ai_summary or card.abstract


def _parts(chunks: list[list]) -> Iterable[tuple[int, int, list]]:
    """(number of the chunk's first paper, of its last, the chunk), counting from 1."""
    first = 1
    for chunk in chunks:
        yield first, first + len(chunk) - 1, chunk
        first += len(chunk)


def _label(batch: Batch, first: int, last: int) -> str:
    total = len(batch.papers)
    if first == 1 and last == total:
        return f"{total} new paper{'s' if total != 1 else ''}"
    return f"new papers {first}-{last} of {total}"


def pack(items: list, fits: Callable[[list], bool]) -> list[list]:
    """``items`` in order, in as few consecutive chunks as ``fits`` allows (one item alone
    always fits: each format clips a paper to less than a message)."""
    chunks: list[list] = []
    for item in items:
        if chunks and fits([*chunks[-1], item]):
            chunks[-1].append(item)
        else:
            chunks.append([item])
    return chunks


# -- Slack ---------------------------------------------------------------------------------------


def _mrkdwn(text: str, limit: int) -> str:
    """``text`` for Slack's mrkdwn, its three control characters escaped as Slack asks, in at
    most ``limit`` characters once escaped (clipped before escaping: an entity is never cut)."""
    keep = limit
    while len(escaped := _escape(clip(text, keep))) > limit:
        keep = max(1, keep * limit // len(escaped))  # fewer each time: an ellipsis always fits
    return escaped


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_paper(card: Card, base_url: str) -> list[dict[str, Any]]:
    title = _mrkdwn(card.title, CHAT_TITLE).replace("|", "¦")  # "|" ends a link's URL
    lines = [f"*<{paper_url(base_url, card)}|{title}>*"]
    if card.authors:
        lines.append("_" + _mrkdwn(", ".join(card.authors), CHAT_AUTHORS) + "_")
    lines.append(_mrkdwn(_summary(card), CHAT_SUMMARY))
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(lines)}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": _facts(card)}]},
    ]


def _facts(card: Card) -> str:
    facts = [f"▲ {card.upvotes}", f"arXiv {card.arxiv_id}"]
    if card.primary_category or card.categories:
        facts.append(card.primary_category or card.categories[0])
    if card.published_at:
        facts.append(card.published_at.date().isoformat())
    return " · ".join(facts)


def _slack(batch: Batch, base_url: str) -> list[dict[str, Any]]:
    chunks = [batch.papers[i : i + SLACK_PAPERS] for i in range(0, len(batch.papers), SLACK_PAPERS)]
    bodies = []
    for first, last, chunk in _parts(chunks):
        label = f"{batch.feed_name}: {_label(batch, first, last)}"
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": clip(label, SLACK_HEADER)}}
        ]
        for card in chunk:
            blocks += _slack_paper(card, base_url)
        footer = f"<{batch.feed_url}|{_mrkdwn(batch.feed_name, CHAT_TITLE)}> on dailypapers"
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": footer}]})
        fallback = _mrkdwn(f"{label}: {batch.feed_url}", SLACK_TEXT)
        bodies.append({"text": fallback, "blocks": blocks})
    return bodies


# -- Discord -------------------------------------------------------------------------------------


def _discord_embed(card: Card, base_url: str) -> dict[str, Any]:
    description = clip(_summary(card), CHAT_SUMMARY)
    if card.authors:
        description = f"*{clip(', '.join(card.authors), CHAT_AUTHORS)}*\n{description}"
    embed: dict[str, Any] = {
        "title": clip(card.title, DISCORD_TITLE),
        "url": paper_url(base_url, card),
        "description": description[:DISCORD_DESCRIPTION],
        "footer": {"text": clip(_facts(card), DISCORD_FOOTER)},
    }
    if card.published_at:
        embed["timestamp"] = card.published_at.isoformat()
    return embed


def embed_characters(embed: dict[str, Any]) -> int:
    """What Discord counts against a message's 6,000 characters of embeds."""
    return (
        len(embed.get("title", ""))
        + len(embed.get("description", ""))
        + len(embed.get("footer", {}).get("text", ""))
    )


def _discord_fits(embeds: list[dict[str, Any]]) -> bool:
    total = sum(embed_characters(e) for e in embeds)
    return len(embeds) <= DISCORD_EMBEDS and total <= DISCORD_EMBED_TOTAL


def _discord(batch: Batch, base_url: str) -> list[dict[str, Any]]:
    embeds = [_discord_embed(card, base_url) for card in batch.papers]
    bodies = []
    for first, last, chunk in _parts(pack(embeds, _discord_fits)):
        content = f"**{clip(batch.feed_name, CHAT_TITLE)}**: {_label(batch, first, last)}"
        content = clip(f"{content} · <{batch.feed_url}>", DISCORD_CONTENT)
        bodies.append({"content": content, "embeds": chunk, "allowed_mentions": {"parse": []}})
    return bodies


# -- our JSON ------------------------------------------------------------------------------------


def json_paper(card: Card, base_url: str) -> dict[str, Any]:
    """A paper as our JSON body carries it: the fields the API's papers share, in its names."""
    return {
        "id": card.arxiv_id,
        "title": card.title,
        "url": paper_url(base_url, card),
        "authors": list(card.authors),
        "summary": card.abstract,
        "upvotes": card.upvotes,
        "publishedAt": card.published_at.isoformat() if card.published_at else None,
    }


def _json(batch: Batch, base_url: str) -> list[dict[str, Any]]:
    cards = batch.papers
    chunks = [cards[i : i + JSON_PAPERS] for i in range(0, len(cards), JSON_PAPERS)]
    return [
        {
            "event": EVENT,
            "feed": {"name": batch.feed_name, "url": batch.feed_url},
            "asOf": batch.as_of.isoformat(),
            "part": number,
            "parts": len(chunks),
            "total": len(cards),
            "papers": [json_paper(card, base_url) for card in chunk],
        }
        for number, chunk in enumerate(chunks, 1)
    ]
