"""The application factory: settings and database on ``app.state``, routers mounted."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from dailypapers import config
from dailypapers.db import Database, connect
from dailypapers.store import papers as paper_store
from dailypapers.web import search_routes

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")


def create_app(settings: config.Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or config.load()
    db = db or connect(settings.resolved_database_url)
    app = FastAPI(title="dailypapers", version="0.1.0")
    app.state.settings = settings
    app.state.db = db
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(search_routes.router)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request) -> HTMLResponse:
        with db.read() as conn:
            latest = paper_store.latest(conn, limit=50)
            total = paper_store.count(conn)
        return templates.TemplateResponse(
            request, "home.html", {"papers": latest, "total": total}
        )

    return app
