"""The web application: settings and database on ``app.state``, middleware, routers, errors.

``create_app`` builds the site only; ``dailypapers serve`` (:mod:`dailypapers.cli.serve`) composes
the process around it (the background jobs, the server).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from dailypapers.config import Settings
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.papers.changes import ChangeCounter
from dailypapers.search import service
from dailypapers.web import api, pages
from dailypapers.web.feeds import following, links, routes
from dailypapers.web.pages.health import Probes
from dailypapers.web.plumbing import errors
from dailypapers.web.plumbing.caching import (
    API_BYTES,
    PAGE_BYTES,
    PageCacheMiddleware,
    ResponseCache,
)
from dailypapers.web.plumbing.headers import SecurityHeaders
from dailypapers.web.plumbing.metrics import RequestMetrics
from dailypapers.web.plumbing.outage import DatabaseOutage
from dailypapers.web.plumbing.rendering import WEB, templates
from dailypapers.web.plumbing.routing import add_routes
from dailypapers.web.plumbing.sessions import SessionCodec, SessionMiddleware

# Static files carry ``?v=<hash of the files>`` in their URLs, so browsers may keep them a week.
STATIC_MAX_AGE = 7 * 24 * 3600


class Static(StaticFiles):
    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = f"public, max-age={STATIC_MAX_AGE}"
        return response


def create_app(settings: Settings, db: Any) -> FastAPI:
    """The site on ``db`` (a :class:`dailypapers.db.Database`)."""
    counter = ChangeCounter(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            counter.close()

    app = FastAPI(
        title="dailypapers",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description=api.DESCRIPTION,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.page_cache = ResponseCache(counter, settings.cache_seconds, PAGE_BYTES)
    app.state.api_cache = ResponseCache(counter, settings.cache_seconds, API_BYTES)
    # Papers submitted or indexed through the site become searchable at once.
    app.state.pipeline = Pipeline(db, listeners=[service.indexing_listener(settings)])
    templates.env.globals["feed_links"] = links.feed_links

    # The last added runs first: headers, metrics and timing wrap everything; the probes answer
    # before anything reads the database; an outage becomes a 503 around the session (read),
    # and the page cache (which may answer).
    app.add_middleware(PageCacheMiddleware, cache=app.state.page_cache)
    app.add_middleware(SessionMiddleware, codec=SessionCodec(settings))
    app.add_middleware(DatabaseOutage, db=db)
    app.add_middleware(Probes)
    app.add_middleware(RequestMetrics)
    app.add_middleware(SecurityHeaders, https=settings.base_url.lower().startswith("https://"))
    app.mount("/static", Static(directory=WEB / "static"), name="static")
    errors.install(app)
    api.install(app, settings)
    add_routes(app, routes.router, following.router, *pages.ROUTERS)
    return app
