"""``/search``: the search page (query, filters and sort in the URL, so a search can be shared)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dailypapers.search import service
from dailypapers.web.templating import templates


router = APIRouter()


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, q: str = "", mode: str = "hybrid", sort: str = "relevance",
                category: str = "", date_from: str = "", date_to: str = "",
                page: str = "1") -> HTMLResponse:
    settings, db = request.app.state.settings, request.app.state.db
    number = int(page) if page.isdigit() and 0 < int(page) <= 500 else 1
    per_page = 20
    results = None
    if q.strip() or category.strip():
        results = service.search(
            db, settings, q, mode=mode, sort=sort, category=category.strip() or None,
            date_from=_day(date_from), date_to=_day(date_to), limit=per_page,
            offset=(number - 1) * per_page,
        )
    params = {"q": q, "mode": mode if mode in service.MODES else "hybrid",
              "sort": sort if sort in service.SORTS else "relevance", "category": category,
              "date_from": date_from, "date_to": date_to}
    return templates.TemplateResponse(request, "search.html", {
        "q": q, "results": results, "params": params, "page": number, "modes": service.MODES,
        "sorts": service.SORTS,
    })
