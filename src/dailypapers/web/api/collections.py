"""``/api/collections``: a reader's collections for scripts, with ``Authorization: Bearer <API
token>``. ``GET``/``POST /api/collections`` (the caller's; a new one: ``{"title", "private"}``
-> 201 with its ``id``), ``GET``/``PATCH``/``DELETE /api/collections/{id}``, and
``POST``/``DELETE /api/collections/{id}/items`` (``{"paper": arxiv_id, "note"}``).

Someone else's private collection is a 404, like a missing one; changing someone else's public
collection is a 403. A bad field is a 400 naming it; over a limit, a 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from dailypapers.library import collections, records
from dailypapers.web.api.auth import AnyCaller, SignedInCaller
from dailypapers.web.api.routes import route
from dailypapers.web.api.shapes import dumps
from dailypapers.web.plumbing.errors import ApiProblem, not_found

router = APIRouter(prefix="/api", tags=["collections"])

CollectionId = Annotated[int, Path(ge=1, le=2**62, description="The collection's id.")]
TEXT = 4000  # characters of a text field read; the domain says what it takes
PAPER = 200  # an arXiv id or URL


class CollectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: StrictStr = Field(max_length=TEXT, description="1 to 200 characters, one line.")
    description: StrictStr = Field("", max_length=TEXT, description="Up to 2,000 characters.")
    private: StrictBool = Field(True, description="Only its owner sees it (the default).")


class CollectionPatch(BaseModel):
    """The fields to change (the others stay)."""

    model_config = ConfigDict(extra="forbid")
    title: StrictStr = Field(None, max_length=TEXT)
    description: StrictStr = Field(None, max_length=TEXT)
    private: StrictBool = None


class ItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paper: StrictStr = Field(max_length=PAPER, description="An arXiv id or arxiv.org URL.")
    note: StrictStr | None = Field(
        None, max_length=TEXT, description="Up to 2,000 characters; replaces an existing note."
    )


class ItemOut(BaseModel):
    paper: str = Field(description="The paper's arXiv id.")
    title: str
    note: str
    position: int
    added_at: str


class CollectionOut(BaseModel):
    id: int
    title: str
    description: str
    private: bool
    owner: str = Field(description="The owner's username.")
    item_count: int
    created_at: str
    updated_at: str
    url: str = Field(description="Its page (a private one opens to its owner only).")
    bibtex_url: str
    ris_url: str
    csl_json_url: str


class CollectionWithItems(CollectionOut):
    items: list[ItemOut] = Field(description="Its papers in the owner's order.")


def _shaped(request: Request, found: records.Collection) -> dict[str, Any]:
    page = f"{request.app.state.settings.base_url.rstrip('/')}{found.path}"
    return {
        **found.as_json(),
        "url": page,
        "bibtex_url": f"{page}.bib",
        "ris_url": f"{page}.ris",
        "csl_json_url": f"{page}.json",
    }


def _with_items(request: Request, shelf: records.Shelf) -> dict[str, Any]:
    items = [
        {
            "paper": item.card.arxiv_id,
            "title": item.card.title,
            "note": item.note,
            "position": item.position,
            "added_at": item.added_at.isoformat(),
        }
        for item in shelf.items
    ]
    return {**_shaped(request, shelf.collection), "items": items}


def _json(body: Any, status_code: int = 200) -> Response:
    return Response(dumps(body), status_code=status_code, media_type="application/json")


def _refused(error: records.CollectionRefused) -> ApiProblem:
    if isinstance(error, records.InvalidCollection):
        return ApiProblem(400, error.message, error.field)
    if isinstance(error, records.TooManyCollections | records.TooManyItems):
        return ApiProblem(409, str(error), None)
    if isinstance(error, records.NotYours):
        return ApiProblem(403, "only its owner changes a collection", "id")
    if isinstance(error, records.NoSuchPaper):
        return not_found("paper", f"no paper {error} here (or not in this collection)")
    return not_found("id", "no such collection (or it is private)")


ONE = "/collections/{collection_id}"
ITEMS = "/collections/{collection_id}/items"


async def _run(request: Request, action, *args: Any) -> Any:
    try:
        return await run_in_threadpool(action, request.app.state.db, *args)
    except records.CollectionRefused as error:
        raise _refused(error) from None


@route(router, "get", "/collections", list[CollectionOut], "Your collections")
async def your_collections(request: Request, who: SignedInCaller) -> Response:
    """The caller's collections, most recently changed first, private ones included."""
    found = await _run(request, collections.of_user, who.user)
    return _json([_shaped(request, one) for one in found])


@route(
    router, "post", "/collections", CollectionOut, "Make a collection", 400, 409, status_code=201
)
async def create_collection(
    request: Request, payload: CollectionIn, who: SignedInCaller
) -> Response:
    """A new collection (private unless ``"private": false``)."""
    made = await _run(request, collections.create, who.user, payload.model_dump())
    return _json(_shaped(request, made), 201)


@route(router, "get", ONE, CollectionWithItems, "A collection with its papers", 400, 404)
async def collection(request: Request, collection_id: CollectionId, who: AnyCaller) -> Response:
    """Any public collection; a private one to its owner only."""
    shelf = await _run(request, collections.shelf, collection_id, who.user)
    return _json(_with_items(request, shelf))


@route(router, "patch", ONE, CollectionOut, "Change a collection", 400, 403, 404)
async def change_collection(
    request: Request, collection_id: CollectionId, payload: CollectionPatch, who: SignedInCaller
) -> Response:
    """The fields sent replace the collection's. Only its owner may."""
    patch = payload.model_dump(exclude_unset=True)
    changed = await _run(request, collections.change, who.user, collection_id, patch)
    return _json(_shaped(request, changed))


@route(router, "delete", ONE, None, "Delete a collection", 400, 403, 404, status_code=204)
async def delete_collection(
    request: Request, collection_id: CollectionId, who: SignedInCaller
) -> Response:
    """Only its owner may; its papers stay, of course."""
    await _run(request, collections.delete, who.user, collection_id)
    return Response(status_code=204)


@route(
    router,
    "post",
    ITEMS,
    CollectionWithItems,
    "Add a paper to a collection",
    400,
    403,
    404,
    409,
    status_code=201,
)
async def add_item(
    request: Request, collection_id: CollectionId, payload: ItemIn, who: SignedInCaller
) -> Response:
    """The paper goes last (one it holds already keeps its place; a note sent replaces its
    note). The paper must be on this site (index it first with ``/api/papers/index``)."""
    shelf = await _run(
        request, collections.add_to_shelf, who.user, collection_id, payload.paper, payload.note
    )
    return _json(_with_items(request, shelf), 201)


class ItemRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paper: StrictStr = Field(max_length=PAPER, description="An arXiv id or arxiv.org URL.")


@route(
    router, "delete", ITEMS, CollectionWithItems, "Take a paper out of a collection", 400, 403, 404
)
async def remove_item(
    request: Request, collection_id: CollectionId, payload: ItemRef, who: SignedInCaller
) -> Response:
    """``{"paper": arxiv_id}``: a paper the collection does not hold is a 404."""
    shelf = await _run(
        request, collections.remove_from_shelf, who.user, collection_id, payload.paper
    )
    return _json(_with_items(request, shelf))
