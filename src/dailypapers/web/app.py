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
from dailypapers.web import api, feeds
from dailypapers.web.api import API_DESCRIPTION

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
feeds.register_templates(templates.env)


def create_app(settings: config.Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or config.load()
    db = db or connect(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The harvest scheduler lives as long as the app (tests' settings turn it off).
        scheduler = Scheduler(settings, db).start() if settings.harvest_sources else None
        app.state.scheduler = scheduler
        try:
            yield
        finally:
            if scheduler is not None:
                await asyncio.to_thread(scheduler.stop)

    app = FastAPI(title="dailypapers", version="0.1.0", lifespan=lifespan, docs_url=None,
                  redoc_url=None, description=API_DESCRIPTION)
    app.state.settings = settings
    app.state.db = db
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    api.install(app, settings)

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
