"""``GET /api/categories``: the categories with papers, by archive; ``GET
/api/categories/{id}``: a category's papers of a day, week or month as JSON, what the page
``/categories/{id}`` shows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from dailypapers.authors import claimants
from dailypapers.categories import pages
from dailypapers.categories.records import CategoryPage
from dailypapers.papers import listing
from dailypapers.web.api.auth import AnyCaller
from dailypapers.web.api.models import Paper
from dailypapers.web.api.papers import json_answer
from dailypapers.web.api.routes import route
from dailypapers.web.api.shapes import Holders, Shaper, dumps
from dailypapers.web.plumbing.errors import bad_request, not_found

router = APIRouter(prefix="/api", tags=["categories"])

SHOWN_IN_ERRORS = 60  # characters of an id an error repeats (real ids are under 20)
CategoryId = Annotated[
    str,
    Path(
        max_length=pages.MAX_ID_LENGTH,
        description="An arXiv category id, any case.",
        examples=["cs.CL"],
    ),
]
Page = Annotated[int, Query(ge=1, le=pages.MAX_PAGE, description="Page, from 1.")]


class CategoryCount(BaseModel):
    id: str = Field(examples=["cs.CL"])
    name: str = Field(description="arXiv's name; the id for an id arXiv does not list.")
    count: int = Field(description="Papers in the feed listing it, primary or cross-listed.")


class ArchiveCategories(BaseModel):
    id: str = Field(examples=["cs"])
    name: str = Field(examples=["Computer Science"])
    categories: list[CategoryCount]


class CategoryPapers(BaseModel):
    """``GET /api/categories/{id}``: one page of a category's papers of one period."""

    id: str = Field(description="arXiv's spelling of the id.", examples=["cs.CL"])
    name: str = Field(examples=["Computation and Language"])
    archive: str = Field(examples=["cs"])
    archive_name: str = Field(examples=["Computer Science"])
    period: str = Field(description="`date`, `week` or `month`.")
    label: str = Field(examples=["2025-06-16", "2025-W24"])
    previous: str | None = Field(None, description="The label of the period before with papers.")
    next: str | None = Field(None, description="The label of the period after with papers.")
    count: int = Field(description="The period's papers listing the category (every page).")
    page: int
    pages: int
    papers: list[Paper] = Field(description="Most upvoted first.")
    cross_listed: list[str] = Field(
        description="arXiv ids of the papers whose primary category is another one."
    )


@route(
    router,
    "get",
    "/categories",
    list[ArchiveCategories],
    "The categories that have papers, by archive",
)
async def categories(request: Request, who: AnyCaller) -> Response:
    """Every arXiv category some paper in the feed lists, with how many, grouped by archive."""
    db = request.app.state.db

    def compute() -> tuple[bytes, dict[str, str]]:
        archives = [
            {
                "id": archive.id,
                "name": archive.name,
                "categories": [
                    {"id": c.what.id, "name": c.what.name, "count": c.papers}
                    for c in archive.categories
                ],
            }
            for archive in pages.overview(db)
        ]
        return dumps(archives), {}

    return await json_answer(request, compute)


@route(
    router,
    "get",
    "/categories/{category_id}",
    CategoryPapers,
    "A category's papers of a day, a week or a month",
    400,
    404,
)
async def category(
    request: Request,
    who: AnyCaller,
    category_id: CategoryId,
    date: Annotated[str | None, Query(max_length=40, description="`YYYY-MM-DD`.")] = None,
    week: Annotated[str | None, Query(max_length=40, description="`YYYY-Www`.")] = None,
    month: Annotated[str | None, Query(max_length=40, description="`YYYY-MM`.")] = None,
    page: Page = 1,
) -> Response:
    """The papers listing the category (primary or cross-listed) of one period: `date`, `week`
    or `month` (at most one; default the category's newest day with papers), 50 a page of a
    week or a month."""
    db, shaper = request.app.state.db, request.app.state.api_shaper
    quoted = category_id[:SHOWN_IN_ERRORS]
    given = {"date": date, "week": week, "month": month}
    periods = [(kind, label) for kind, label in given.items() if label is not None]
    if len(periods) > 1:
        raise bad_request(periods[1][0], "give at most one of date, week and month")

    def compute() -> tuple[bytes, dict[str, str]]:
        try:
            found = pages.category_page(
                db, category_id, period=periods[0] if periods else None, page=page
            )
        except pages.InvalidCategory as error:
            raise bad_request("category_id", str(error)) from None
        except listing.InvalidPeriod as error:
            raise bad_request(periods[0][0], str(error)) from None
        if found is None:
            raise not_found("category_id", f"no paper in the feed lists {quoted!r}")
        holders = claimants.holders(db, found.listing.cards)
        return dumps(_shaped(shaper, found, page, holders)), {}

    return await json_answer(request, compute)


def _shaped(shaper: Shaper, found: CategoryPage, page: int, holders: Holders) -> dict[str, Any]:
    view, category = found.listing, found.category
    return {
        "id": category.id,
        "name": category.name,
        "archive": category.archive,
        "archive_name": category.archive_name,
        "period": "date" if view.kind == "day" else view.kind,
        "label": view.label,
        "previous": view.previous,
        "next": view.next,
        "count": view.total,
        "page": page,
        "pages": 1 if view.kind == "day" else max(1, -(-view.total // pages.PAGE_SIZE)),
        "papers": [shaper.paper(card, holders) for card in view.cards],
        "cross_listed": sorted(found.cross_listed),
    }
