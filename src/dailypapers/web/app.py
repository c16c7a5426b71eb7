"""The application factory: settings and database on ``app.state``, middleware, routers, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

from dailypapers import config
from dailypapers.db import Database, connect
from dailypapers.ingest.pipeline import Pipeline
from dailypapers.ingest.scheduler import Scheduler
from dailypapers.search import indexing as search_indexing
from dailypapers.web import (
    account_pages,
    actions,
    api,
    digest_pages,
    errors,
    feeds,
    for_you_pages,
    pages,
    search_routes,
    token_pages,
)
from dailypapers.web.api import API_DESCRIPTION
from dailypapers.web.middleware import ServerTiming
from dailypapers.web.pagecache import PageCache, PageCacheMiddleware
from dailypapers.web.sessions import SessionCodec, SessionMiddleware
from dailypapers.web.templating import templates

__all__ = ["create_app", "templates"]

feeds.register_templates(templates.env)

HERE = Path(__file__).parent


class Static(StaticFiles):
    """Vendored assets and our CSS/JS; pages link them with ``?v=<hash>``, so they can be kept."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["cache-control"] = "public, max-age=604800"
        return response


def create_app(settings: config.Settings | None = None, db: Database | None = None, *,
               background: bool | None = None) -> FastAPI:
    """The site. ``background`` runs the digest scheduler and the search embedder threads while
    the app is up; by default
    only when the app is built from the environment (``dailypapers serve``), never in tests that
    pass their own settings unless they ask."""
    if background is None:
        background = settings is None
    settings = settings or config.load()
    db = db or connect(settings.resolved_database_url)
    run_digests = background and settings.digest_scheduler
    page_cache = PageCache(db, settings.page_cache_seconds,
                           recheck=settings.page_cache_recheck_seconds)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The harvest scheduler lives as long as the app (tests' settings turn it off).
        scheduler = (
            Scheduler(settings, db, pipeline=app.state.pipeline).start()
            if settings.harvest_sources else None
        )
        app.state.scheduler = scheduler
        # Sync handlers run in anyio's worker threads; the limiter is per event loop.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads
        digests = embedder = None
        if background:
            # Papers that arrived without an embedding (bulk imports, other workers) get one.
            embedder = search_indexing.start_background(db, settings)
        if run_digests:
            from dailypapers.digest.scheduler import DigestScheduler

            digests = DigestScheduler(db, settings).start()
        app.state.digest_scheduler = digests
        try:
            yield
        finally:
            if embedder is not None:
                embedder.set()
            if scheduler is not None:
                await asyncio.to_thread(scheduler.stop)
            if digests is not None:
                await asyncio.to_thread(digests.stop)
            page_cache.close()

    app = FastAPI(title="dailypapers", version="0.1.0", lifespan=lifespan, docs_url=None,
                  redoc_url=None, description=API_DESCRIPTION)
    app.state.settings = settings
    app.state.db = db
    app.state.page_cache = page_cache
    app.state.session_codec = SessionCodec(settings)
    # Every write path into the store (submit, API index, harvest) goes through this pipeline,
    # so the search index sees new papers at once.
    app.state.pipeline = Pipeline(db, listeners=[search_indexing.listener(settings)])

    # Outermost last: the timing covers everything; the cache needs the session read first.
    app.add_middleware(PageCacheMiddleware, cache=page_cache)
    app.add_middleware(SessionMiddleware, codec=app.state.session_codec)
    app.add_middleware(ServerTiming)
    app.mount("/static", Static(directory=HERE / "static"), name="static")
    errors.install(app)
    api.install(app, settings)
    app.include_router(actions.router)
    app.include_router(account_pages.router)
    app.include_router(token_pages.router)
    app.include_router(digest_pages.router)
    app.include_router(for_you_pages.router)
    app.include_router(pages.router)
    app.include_router(search_routes.router)
    return app
