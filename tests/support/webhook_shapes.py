"""What each webhook body must be, as the receivers document it: Slack's and Discord's limits as
checks that list what a body breaks, and a JSON schema of our own body."""

from __future__ import annotations

from typing import Any

import jsonschema_rs

SLACK_BLOCK_TYPES = {"header", "section", "context", "divider"}


def slack_problems(body: dict[str, Any]) -> list[str]:
    """What breaks Slack's documented limits (an incoming webhook's message with blocks)."""
    problems = []
    if not isinstance(body.get("text"), str) or not body["text"] or len(body["text"]) > 3000:
        problems.append("text: a fallback of 1 to 3,000 characters")
    blocks = body.get("blocks", [])
    if not 1 <= len(blocks) <= 50:
        problems.append(f"{len(blocks)} blocks (1 to 50)")
    for n, block in enumerate(blocks):
        if block.get("type") not in SLACK_BLOCK_TYPES:
            problems.append(f"block {n}: type {block.get('type')!r}")
        if block.get("type") == "header":
            text = block["text"]
            if text["type"] != "plain_text" or not 1 <= len(text["text"]) <= 150:
                problems.append(f"block {n}: a header is plain_text of at most 150")
        if block.get("type") == "section" and not 1 <= len(block["text"]["text"]) <= 3000:
            problems.append(f"block {n}: section text over 3,000")
        if block.get("type") == "context":
            elements = block["elements"]
            if not 1 <= len(elements) <= 10:
                problems.append(f"block {n}: {len(elements)} context elements (1 to 10)")
            problems += [
                f"block {n}: context text over 3,000" for e in elements if len(e["text"]) > 3000
            ]
    return problems


def discord_problems(body: dict[str, Any]) -> list[str]:
    """What breaks Discord's documented limits of an execute-webhook message."""
    problems = []
    if len(body.get("content", "")) > 2000:
        problems.append("content over 2,000")
    embeds = body.get("embeds", [])
    if not body.get("content") and not embeds:
        problems.append("neither content nor embeds")
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds (at most 10)")
    total = 0
    for n, embed in enumerate(embeds):
        title, description = embed.get("title", ""), embed.get("description", "")
        footer = embed.get("footer", {}).get("text", "")
        if len(title) > 256 or len(description) > 4096 or len(footer) > 2048:
            problems.append(f"embed {n}: a title, description or footer over its limit")
        total += len(title) + len(description) + len(footer)
    if total > 6000:
        problems.append(f"{total} characters of embeds (at most 6,000)")
    return problems


OURS = {
    "type": "object",
    "required": ["event", "feed", "asOf", "part", "parts", "total", "papers"],
    "additionalProperties": False,
    "properties": {
        "event": {"const": "papers"},
        "feed": {
            "type": "object",
            "required": ["name", "url"],
            "additionalProperties": False,
            "properties": {"name": {"type": "string"}, "url": {"type": "string"}},
        },
        "asOf": {"type": "string", "format": "date-time"},
        "part": {"type": "integer", "minimum": 1},
        "parts": {"type": "integer", "minimum": 1},
        "total": {"type": "integer", "minimum": 1},
        "papers": {
            "type": "array",
            "minItems": 1,
            "maxItems": 100,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "id", "title", "url", "authors", "summary", "upvotes", "publishedAt"
                ],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "title": {"type": "string"},
                    "url": {"type": "string", "pattern": "^https?://"},
                    "authors": {"type": "array", "items": {"type": "string"}},
                    "summary": {"type": "string"},
                    "upvotes": {"type": "integer", "minimum": 0},
                    "publishedAt": {"type": ["string", "null"], "format": "date-time"},
                },
            },
        },
    },
}  # fmt: skip

_ours = jsonschema_rs.validator_for(OURS, validate_formats=True)


def json_problems(body: dict[str, Any]) -> list[str]:
    """Where our JSON body departs from :data:`OURS`."""
    return [error.message for error in _ours.iter_errors(body)]


PROBLEMS = {"slack": slack_problems, "discord": discord_problems, "json": json_problems}
