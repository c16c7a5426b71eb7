"""Mounts the JSON API and the feeds on the app: shared state, error bodies, the response cache,
rate limits, the routers and the offline ``/docs``. ``create_app`` calls :func:`install` once."""

from __future__ import annotations

from fastapi import FastAPI

from dailypapers.config import Settings
from dailypapers.web import api_docs, api_errors, api_papers, api_writes, feeds
from dailypapers.web.api_auth import Limits
from dailypapers.web.api_shapes import Shaper
from dailypapers.web.response_cache import ResponseCache


def install(app: FastAPI, settings: Settings) -> None:
    app.state.api_shaper = Shaper(settings.base_url)
    app.state.api_limits = Limits(settings.api_rate_anonymous, settings.api_rate_token)
    app.state.api_cache = ResponseCache(app.state.db, settings.api_cache_seconds,
                                        getattr(app.state, "page_cache", None))
    api_errors.install(app)
    api_docs.install(app)
    app.include_router(api_papers.router)
    app.include_router(api_writes.router)
    app.include_router(feeds.router)

API_DESCRIPTION = """\
The upstream Papers API (`/api/daily_papers`, `/api/papers/{id}`, `/api/papers/search`,
`/api/papers`) with the same JSON, so existing clients such as `huggingface_hub` work by changing
the base URL; plus dailypapers' own writes (comments, upvotes, feed submissions, indexing) with
`Authorization: Bearer <API token>` (create tokens in your settings), and RSS/Atom feeds under
`/feeds/`. Errors are `{"error": "...", "parameter": "..."}`; over the rate limit, `429` with
`Retry-After`.
"""
