"""``POST /api/library/import``: a reference manager's export (multipart field ``file``:
BibTeX, RIS, CSL-JSON or a list of arXiv ids, told apart by content) imported into a new
private collection, answered ``{"matched", "fetched", "unmatched": [{"entry", "reason"}],
"collection"}``: ``fetched`` counts the arXiv ids the site lacked, queued to be fetched in the
background and added to the collection when they arrive.

A file over 5 MB is a 413 (refused unread when its length says so); binary data or text in no
known format a 400; a day's imports used up a 429."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.responses import Response

from dailypapers.accounts.quotas import Exceeded
from dailypapers.library import formats, importing
from dailypapers.library.records import TooManyCollections
from dailypapers.web.api.auth import SignedInCaller
from dailypapers.web.api.shapes import dumps
from dailypapers.web.plumbing.errors import ApiError, ApiProblem, responses

router = APIRouter(prefix="/api", tags=["library"])

# The multipart wrapping around the file: its headers and boundaries, generously.
ENVELOPE = 64 * 1024


class UnmatchedOut(BaseModel):
    entry: str = Field(description="The entry's citation key, else its title (or the line).")
    reason: str


class ImportOut(BaseModel):
    matched: int = Field(description="Entries found on this site, now in the collection.")
    fetched: int = Field(description="arXiv ids this site lacked, queued to be fetched.")
    unmatched: list[UnmatchedOut]
    collection: int = Field(description="The new collection's id.")


def too_large(request: Request) -> bool:
    """The request says it carries more than a file within the limit (refused unread)."""
    length = request.headers.get("content-length", "")
    return length.isdigit() and int(length) > formats.MAX_BYTES + ENVELOPE


async def uploaded(request: Request) -> tuple[str | None, bytes] | None:
    """(file name, bytes) of the form's ``file`` (one past the limit at most: the domain
    refuses what is over), or None without one. Starlette keeps a large part on disk while
    reading, never in memory."""
    try:
        form = await request.form(max_files=1, max_fields=10)
    except (MultiPartException, ValueError):
        return None
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return None
    return upload.filename, await upload.read(formats.MAX_BYTES + 1)


def refusal(error: Exception) -> tuple[int, str]:
    """The status and message an import's refusal is answered with."""
    if isinstance(error, formats.TooLarge):
        return 413, str(error)
    if isinstance(error, formats.UnreadableFile):
        return 400, str(error)  # the API's answer to a bad parameter (the file is one)
    if isinstance(error, Exceeded):
        return 429, str(error)
    return 409, str(error)


REFUSED = (formats.UnreadableFile, TooManyCollections, Exceeded)
# The body as OpenAPI documents it (the route reads the form itself, after the length check).
UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "The export, in any of the formats.",
                        }
                    },
                }
            }
        },
    }
}
_EXTRA = {
    status: {"model": ApiError, "description": text}
    for status, text in ((413, "The file is over 5 MB."),)
}


@router.post(
    "/library/import",
    response_model=ImportOut,
    status_code=201,
    responses={**responses(400, 401, 409, 429), **_EXTRA},
    summary="Import a BibTeX, RIS or CSL-JSON file (or a list of arXiv ids)",
    openapi_extra=UPLOAD,
)
async def import_library(request: Request, who: SignedInCaller) -> Response:
    """Each entry is matched by arXiv id (eprint, arXiv URL, arXiv DOI), then DOI, then title;
    every entry neither matched nor fetched is named in ``unmatched`` with the reason."""
    if too_large(request):
        raise ApiProblem(413, f"the file is over {formats.MAX_BYTES // 2**20} MB", "file")
    found = await uploaded(request)
    if found is None:
        raise ApiProblem(400, "send the file as the multipart form field `file`", "file")
    filename, data = found
    try:
        report = await run_in_threadpool(
            importing.import_file, request.app.state.db, who.user, filename, data
        )
    except REFUSED as error:
        status, message = refusal(error)
        headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Exceeded) else {}
        raise ApiProblem(status, message, "file", headers) from None
    body: Any = report.as_json()
    return Response(dumps(body), status_code=201, media_type="application/json")
