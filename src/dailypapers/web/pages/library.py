"""``/library/import``: a form to upload what a reference manager exports (BibTeX, RIS,
CSL-JSON, or a list of arXiv ids), and the report of its import into a new collection: what
matched, what is being fetched from arXiv, and each entry that did not match, with why."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dailypapers.library import formats, importing
from dailypapers.web.api.library import REFUSED, refusal, too_large, uploaded
from dailypapers.web.plumbing.auth import ActingUser, SignedIn
from dailypapers.web.plumbing.headers import NO_STORE
from dailypapers.web.plumbing.rendering import render

router = APIRouter(include_in_schema=False)


def _form(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    context = {
        "error": error,
        "max_mb": formats.MAX_BYTES // 2**20,
        "max_entries": formats.MAX_ENTRIES,
        "section": "collections",
    }
    return render(
        request, "library_import.html", context, status_code=status_code, headers=NO_STORE
    )


@router.api_route("/library/import", methods=["GET", "HEAD"])
async def import_form(request: Request, user: SignedIn) -> Response:
    return await run_in_threadpool(_form, request)


async def small_enough(request: Request) -> None:
    """Refuses an upload its length says is over the limit before anything reads its body
    (the CSRF check included): a dependency listed before the acting user."""
    if too_large(request):
        raise HTTPException(413, f"The file is over {formats.MAX_BYTES // 2**20} MB.")


@router.post("/library/import", dependencies=[Depends(small_enough)])
async def import_file(request: Request, user: ActingUser) -> Response:
    found = await uploaded(request)
    if found is None:
        return await run_in_threadpool(_form, request, "Choose a file to import.", 400)
    filename, data = found

    def run() -> Response:
        try:
            report = importing.import_file(request.app.state.db, user, filename, data)
        except REFUSED as error:
            status, message = refusal(error)
            return _form(request, f"{message[:1].upper()}{message[1:]}.", status)
        context = {"report": report, "section": "collections"}
        return render(request, "library_report.html", context, headers=NO_STORE)

    return await run_in_threadpool(run)
