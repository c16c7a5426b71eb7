"""The JSON API: the upstream Papers contract (``/api/daily_papers``, ``/api/papers/...``) with
the same JSON, so ``huggingface_hub`` works by changing its endpoint, plus dailypapers' own
writes (comments, upvotes, submissions, indexing, tokens) with an API token.

``install`` mounts it on the app: shared state (the shaper, rate limits), the routers and the
offline ``/docs``.
"""

from __future__ import annotations

from fastapi import FastAPI

from dailypapers.config import Settings
from dailypapers.web.api import (
    authors,
    categories,
    collections,
    docs,
    feeds,
    for_you,
    library,
    papers,
    tokens,
    watching,
    webhooks,
    writes,
)
from dailypapers.web.api.auth import RateLimits
from dailypapers.web.api.shapes import Shaper
from dailypapers.web.plumbing.routing import add_routes

DESCRIPTION = """\
The upstream Papers API (`/api/daily_papers`, `/api/papers/{id}`, `/api/papers/search`,
`/api/papers`) with the same JSON, so existing clients such as `huggingface_hub` work by changing
the base URL; plus dailypapers' own writes (comments, upvotes, feed submissions, indexing) with
`Authorization: Bearer <API token>` (create tokens in your settings), and RSS/Atom feeds under
`/feeds/`. Errors are `{"error": "...", "parameter": "..."}`; over the rate limit, `429` with
`Retry-After`.
"""


def install(app: FastAPI, settings: Settings) -> None:
    app.state.api_shaper = Shaper(settings.base_url)
    app.state.api_limits = RateLimits(settings.api_rate_anonymous, settings.api_rate_token)
    docs.install(app)
    add_routes(
        app,
        papers.router,
        authors.router,
        categories.router,
        feeds.router,
        for_you.router,
        writes.router,
        tokens.router,
        webhooks.router,
        collections.router,
        library.router,
        watching.router,
    )
