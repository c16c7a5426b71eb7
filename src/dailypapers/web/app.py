"""The application factory: settings and database on ``app.state``, routers mounted."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from dailypapers import config
from dailypapers.db import Database, connect
from dailypapers.ingest import harvest
from dailypapers.ingest.scheduler import Scheduler
from dailypapers.store import papers as paper_store
from dailypapers.web import digest_pages

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def create_app(settings: config.Settings | None = None, db: Database | None = None, *,
               background: bool | None = None) -> FastAPI:
    """The site. ``background`` runs the digest scheduler thread while the app is up; by default
    only when the app is built from the environment (``dailypapers serve``), never in tests that
    pass their own settings unless they ask."""
    if background is None:
        background = settings is None
    settings = settings or config.load()
    db = db or connect(settings.resolved_database_url)
    run_digests = background and settings.digest_scheduler

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The harvest scheduler lives as long as the app (tests' settings turn it off).
        scheduler = Scheduler(settings, db).start() if settings.harvest_sources else None
        app.state.scheduler = scheduler
        digests = None
        if run_digests:
            from dailypapers.digest.scheduler import DigestScheduler

            digests = DigestScheduler(db, settings).start()
        app.state.digest_scheduler = digests
        try:
            yield
        finally:
            if scheduler is not None:
                await asyncio.to_thread(scheduler.stop)
            if digests is not None:
                await asyncio.to_thread(digests.stop)

    app = FastAPI(title="dailypapers", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.db = db
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(digest_pages.router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        with db.read() as conn:
            latest = paper_store.latest(conn, limit=50)
            total = paper_store.count(conn)
            harvest_status = harvest.status(conn, settings.harvest_sources)
        return templates.TemplateResponse(
            request, "home.html", {"papers": latest, "total": total, "harvest": harvest_status}
        )

    return app
