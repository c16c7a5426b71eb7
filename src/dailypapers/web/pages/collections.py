"""A reader's collections as pages: ``/collections`` lists yours (with a form for a new one),
``/collections/{id}`` is one with its papers and notes (its owner edits, reorders and removes
them there; anyone reads a public one, a private one is a 404 to all but its owner), and
``/collections/add?paper=ID`` picks the collection a paper goes to (the "Add to collection"
of every card and paper page: a page without JavaScript, a fragment in place with htmx)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dailypapers import arxiv_ids
from dailypapers.accounts.records import User
from dailypapers.library import collections, records
from dailypapers.web.plumbing.auth import ActingUser, SignedIn, is_htmx, own_page, safe_next
from dailypapers.web.plumbing.caching import cached_page
from dailypapers.web.plumbing.errors import render_error
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)

Id = Annotated[int, Path(ge=1, le=2**62)]
Text = Annotated[str, Form(max_length=5000)]  # the domain says how long each field may be
Paper = Annotated[str, Form(max_length=200)]
Next = Annotated[str, Form(max_length=2000)]


def _refusal(request: Request, error: Exception) -> Response:
    if isinstance(error, records.NoSuchCollection):
        return render_error(
            request,
            404,
            "There is no such collection (or it is private).",
            title="Collection not found",
            action={"href": "/collections", "text": "Your collections"},
        )
    if isinstance(error, records.NotYours):
        return render_error(request, 403, "Only its owner changes a collection.")
    if isinstance(error, records.NoSuchPaper):
        return render_error(request, 404, f"This site has no paper {error} (in this collection).")
    if isinstance(error, records.InvalidCollection):
        return render_error(request, 400, f"{error.message[:1].upper()}{error.message[1:]}.")
    return render_error(request, 400, f"{str(error)[:1].upper()}{str(error)[1:]}.")


def _list_page(request: Request, user: User) -> Response:
    mine = collections.of_user(request.app.state.db, user)
    context = {
        "collections": mine,
        "section": "collections",
        "limit": collections.MAX_COLLECTIONS_PER_USER,
    }
    return render(request, "collections.html", context, headers=NO_STORE)


own_page(router, "/collections", _list_page)


@router.post("/collections")
async def create_collection(
    request: Request, user: ActingUser, title: Text = "", description: Text = "", private: Text = ""
) -> Response:
    def run() -> Response:
        try:
            made = collections.create(
                request.app.state.db,
                user,
                {"title": title, "description": description, "private": bool(private)},
            )
        except records.CollectionRefused as error:
            return _refusal(request, error)
        return RedirectResponse(made.path, status_code=303)

    return await run_in_threadpool(run)


@router.api_route("/collections/add", methods=["GET", "HEAD"])
async def picker(
    request: Request,
    user: SignedIn,
    paper: Annotated[str, Query(max_length=200)],
    next: Annotated[str, Query(max_length=2000)] = "",
) -> Response:
    def build() -> Response:
        mine = collections.of_user(request.app.state.db, user)
        context = {
            "collections": mine,
            "paper": paper,
            "next_url": safe_next(next, f"/papers/{paper}"),
            "fragment": is_htmx(request),
        }
        name = "collections_picker.html" if context["fragment"] else "collections_add.html"
        return render(request, name, context, headers=NO_STORE)

    return await run_in_threadpool(build)


def _added(request: Request, collection, paper: str, next_url: str) -> Response:
    if is_htmx(request):
        context = {"collection": collection, "paper": paper}
        return render(request, "collections_added.html", context, headers=NO_STORE)
    return RedirectResponse(safe_next(next_url, collection.path), status_code=303)


@router.post("/collections/add")
async def add_to_new(
    request: Request, user: ActingUser, paper: Paper, title: Text = "", next: Next = ""
) -> Response:
    """The picker's "new collection" form: made (private) and the paper added to it."""
    db = request.app.state.db

    def run() -> Response:
        try:
            collection = collections.create_with_paper(db, user, {"title": title}, paper)
        except records.CollectionRefused as error:
            return _refusal(request, error)
        return _added(request, collection, paper, next)

    return await run_in_threadpool(run)


@router.api_route("/collections/{collection_id}", methods=["GET", "HEAD"])
async def collection_page(request: Request, collection_id: Id) -> Response:
    def build(user: User | None) -> Response:
        try:
            shelf = collections.shelf(request.app.state.db, collection_id, user)
        except records.NoSuchCollection as error:
            return _refusal(request, error)
        context = {
            "shelf": shelf,
            "section": "collections" if shelf.mine else None,
            "note_length": collections.NOTE_LENGTH,
        }
        private = shelf.collection.private or shelf.mine
        return render(
            request, "collections_page.html", context, headers=NO_STORE if private else None
        )

    return await cached_page(request, build)


@router.post("/collections/{collection_id}")
async def change_collection(
    request: Request,
    collection_id: Id,
    user: ActingUser,
    title: Text = "",
    description: Text = "",
    private: Text = "",
) -> Response:
    def run() -> Response:
        patch = {"title": title, "description": description, "private": bool(private)}
        try:
            changed = collections.change(request.app.state.db, user, collection_id, patch)
        except records.CollectionRefused as error:
            return _refusal(request, error)
        return RedirectResponse(changed.path, status_code=303)

    return await run_in_threadpool(run)


@router.post("/collections/{collection_id}/delete")
async def delete_collection(request: Request, collection_id: Id, user: ActingUser) -> Response:
    def run() -> Response:
        try:
            collections.delete(request.app.state.db, user, collection_id)
        except records.CollectionRefused as error:
            return _refusal(request, error)
        if is_htmx(request):
            return HTMLResponse("")
        return RedirectResponse("/collections", status_code=303)

    return await run_in_threadpool(run)


@router.post("/collections/{collection_id}/items")
async def add_item(
    request: Request,
    collection_id: Id,
    user: ActingUser,
    paper: Paper,
    note: Text = "",
    next: Next = "",
) -> Response:
    def run() -> Response:
        try:
            collection = collections.add(
                request.app.state.db, user, collection_id, paper, note or None
            )
        except records.CollectionRefused as error:
            return _refusal(request, error)
        return _added(request, collection, paper, next)

    return await run_in_threadpool(run)


@router.post("/collections/{collection_id}/items/{action}")
async def change_item(
    request: Request,
    collection_id: Id,
    action: Literal["note", "remove", "up", "down"],
    user: ActingUser,
    paper: Paper,
    note: Text = "",
) -> Response:
    """An item's note saved, the item removed, or moved one place up or down."""
    db = request.app.state.db

    def run() -> Response:
        try:
            if action == "note":
                collections.set_note(db, user, collection_id, paper, note)
            elif action == "remove":
                collections.remove(db, user, collection_id, paper)
            else:
                collections.move(db, user, collection_id, paper, up=action == "up")
        except records.CollectionRefused as error:
            return _refusal(request, error)
        key = arxiv_ids.normalise(paper)  # the domain read it as an id: it is one
        anchor = "" if action == "remove" else f"#item-{key.replace('/', '-')}"
        return RedirectResponse(f"/collections/{collection_id}{anchor}", status_code=303)

    return await run_in_threadpool(run)
