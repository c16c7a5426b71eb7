"""arXiv's query API (Atom): papers by id list and by search query, paged, politely spaced.

At most one request per ``REQUEST_SPACING`` seconds leaves this process (arXiv asks for 3 s),
whichever thread asks: the site's "submit by URL", the JSON API and the harvester share one
:class:`~dailypapers.ingest.http.Throttle`. Ids go 100 to a request. An unknown id simply yields no
entry; a request arXiv refuses (HTTP 400 with an Atom error entry, e.g. "incorrect id format for
abc") raises :class:`ArxivApiError` carrying arXiv's own words. Entries become
:class:`~dailypapers.ingest.records.PaperRecord` (or a Rejection naming the URL and entry).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from dailypapers import arxiv_ids
from dailypapers.config import Settings
from dailypapers.ingest import records
from dailypapers.ingest.http import Fetcher, SourceError, Throttle
from dailypapers.ingest.records import Item, PaperRecord, Rejection

log = logging.getLogger(__name__)

SOURCE = "arxiv-api"
IDS_PER_REQUEST = 100
PAGE_SIZE = 100
NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ERROR_ID = re.compile(r"^https?://arxiv\.org/api/errors", re.IGNORECASE)
# Entities and network access stay off: the body comes from outside.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
# arXiv's terms of use for its API: no more than one request every three seconds.
REQUEST_SPACING = 3.0
THROTTLE = Throttle()


class ArxivApiError(SourceError):
    """arXiv refused a request or could not be reached; the message is fit to show a person."""


@dataclass
class Page:
    total: int
    items: list[Item]


def fetcher(settings: Settings, **kwargs) -> Fetcher:
    """A Fetcher spaced by ``REQUEST_SPACING`` through the process-wide throttle."""
    return Fetcher(settings, throttle=THROTTLE, delay=REQUEST_SPACING, **kwargs)


def fetch_by_ids(settings: Settings, ids: list[str]) -> list[PaperRecord]:
    """The papers with these ids (a version suffix asks for that version), in arXiv's order.

    Unknown ids are simply absent from the result. Raises ArxivApiError when arXiv refuses the
    request (a malformed id) or cannot be reached.
    """
    return list(_papers_only(fetch_items_by_ids(settings, ids)))


def fetch_items_by_ids(
    settings: Settings, ids: Sequence[str], *, using: Fetcher | None = None
) -> list[Item]:
    """Like :func:`fetch_by_ids`, but malformed entries come back as Rejections."""
    wanted = [_request_id(i) for i in ids]
    items: list[Item] = []
    with _using(settings, using) as http:
        for start in range(0, len(wanted), IDS_PER_REQUEST):
            chunk = wanted[start : start + IDS_PER_REQUEST]
            items.extend(
                fetch_page(settings, http, id_list=chunk, max_results=IDS_PER_REQUEST).items
            )
    return items


def search(settings: Settings, query: str, **options: Any) -> Iterator[PaperRecord]:
    """Papers matching an arXiv search query, up to ``max_results``, fetched page by page (the
    options of :func:`search_items` but ``using`` and ``on_total``)."""
    return _papers_only(search_items(settings, query, **options))


def _papers_only(items: Iterable[Item]) -> Iterator[PaperRecord]:
    """The papers of ``items``; a malformed entry is logged and skipped."""
    for item in items:
        if isinstance(item, Rejection):
            log.warning("arXiv API entry skipped: %s", item)
        else:
            yield item


def search_items(
    settings: Settings,
    query: str,
    *,
    max_results: int,
    start: int = 0,
    page_size: int = PAGE_SIZE,
    sort_by: str = "relevance",
    sort_order: str = "descending",
    using: Fetcher | None = None,
    on_total: Callable[[int], None] | None = None,
) -> Iterator[Item]:
    """Like :func:`search`, with malformed entries as Rejections; ``on_total(n)`` after page 1."""
    end = start + max_results
    position = start
    total: int | None = None
    with _using(settings, using) as http:
        while position < end and (total is None or position < total):
            size = min(page_size, end - position)
            page = fetch_page(
                settings,
                http,
                search_query=query,
                start=position,
                max_results=size,
                sort_by=sort_by,
                sort_order=sort_order,
            )
            if total is None and on_total is not None:
                on_total(min(page.total, end) - start)
            total = page.total
            yield from page.items
            if not page.items:
                if position < total:
                    log.warning(
                        "arXiv API returned an empty page at %d of %d results for %r; "
                        "stopping here",
                        position,
                        total,
                        query,
                    )
                break
            position += size


def fetch_page(
    settings: Settings,
    http: Fetcher,
    *,
    search_query: str = "",
    id_list: Sequence[str] = (),
    start: int = 0,
    max_results: int = PAGE_SIZE,
    sort_by: str = "relevance",
    sort_order: str = "descending",
) -> Page:
    """One request to the query API, parsed."""
    params = {
        "search_query": search_query,
        "id_list": ",".join(id_list),
        "sortBy": sort_by,
        "sortOrder": sort_order,
        "start": str(start),
        "max_results": str(max_results),
    }
    try:
        response = http.get(settings.arxiv_api_url, params)
    except SourceError as error:
        raise ArxivApiError(f"arXiv API could not be reached: {error}") from None
    url = str(response.url)
    try:
        root = etree.fromstring(response.content, _PARSER)
    except etree.XMLSyntaxError as error:
        if response.status_code != 200:
            raise ArxivApiError(
                f"arXiv API answered HTTP {response.status_code} for {url}"
            ) from None
        raise ArxivApiError(
            f"arXiv API sent something that is not Atom XML for {url}: {error}"
        ) from None
    entries = root.findall("atom:entry", NS)
    for entry in entries:
        if _ERROR_ID.match(entry.findtext("atom:id", "", NS).strip()):
            message = " ".join(entry.findtext("atom:summary", "", NS).split()) or "unknown error"
            raise ArxivApiError(f"arXiv API refused the request: {message}")
    if response.status_code != 200:
        raise ArxivApiError(f"arXiv API answered HTTP {response.status_code} for {url}")
    total_text = root.findtext("opensearch:totalResults", "", NS).strip()
    total = int(total_text) if total_text.isdigit() else len(entries)
    items = [parse_entry(entry, f"{url} entry {n}") for n, entry in enumerate(entries, 1)]
    return Page(total=total, items=items)


def parse_entry(entry: etree._Element, origin: str) -> Item:
    """One Atom entry as a PaperRecord, or a Rejection saying what is wrong with it."""
    raw_id = entry.findtext("atom:id", "", NS).strip()
    try:
        arxiv_id, version = records.parse_arxiv_id(raw_id)
        primary = entry.find("arxiv:primary_category", NS)
        terms = [primary.get("term")] if primary is not None and primary.get("term") else []
        terms += [c.get("term") for c in entry.findall("atom:category", NS) if c.get("term")]
        links = entry.findall("atom:link", NS)
        abs_link = next(
            (link.get("href") for link in links if link.get("rel") == "alternate"), None
        )
        pdf_link = next((link.get("href") for link in links if link.get("title") == "pdf"), None)
        return PaperRecord(
            arxiv_id=arxiv_id,
            version=version,
            title=records.clean_line(entry.findtext("atom:title", None, NS), "title"),
            abstract=records.clean_text(entry.findtext("atom:summary", None, NS), "summary"),
            authors=records.clean_authors(
                [a.findtext("atom:name", "", NS) for a in entry.findall("atom:author", NS)]
            ),
            categories=records.clean_categories(terms),
            comment=records.clean_line(
                entry.findtext("arxiv:comment", None, NS),
                "comment",
                required=False,
                limit=records.MAX_ABSTRACT,
            )
            or None,
            published_at=records.parse_time(
                entry.findtext("atom:published", None, NS), "published"
            ),
            updated_at=records.parse_time(entry.findtext("atom:updated", None, NS), "updated"),
            abs_url=unversioned(records.clean_url(abs_link, "abs link")),
            pdf_url=unversioned(records.clean_url(pdf_link, "pdf link")),
            source=SOURCE,
            origin=origin,
        )
    except records.InvalidRecord as error:
        suffix = f" (paper {raw_id})" if raw_id else ""
        return Rejection(origin + suffix, str(error))


def unversioned(url: str | None) -> str | None:
    """An abs/pdf link without its ``vN``: the stored paper links to its latest version."""
    if url is None:
        return None
    return re.sub(r"v\d+(\.pdf)?$", r"\1", url)


def _request_id(text: str) -> str:
    """The id as arXiv should see it: normalised when we recognise it, else as given.

    arXiv is the judge of what exists: an id our parser does not know (``0808.05394``) is asked
    anyway and simply comes back empty, and a malformed one (``abc``) gets arXiv's own message.
    """
    raw = str(text).strip()
    if not raw or "," in raw or any(c.isspace() for c in raw):
        raise ArxivApiError(f"not an arXiv id: {raw!r}")
    try:
        return str(arxiv_ids.parse(raw))
    except arxiv_ids.InvalidArxivId:
        return raw


class _using:  # noqa: N801 - reads as a phrase at the call site
    """The caller's Fetcher (left open) or a new one for this call (closed after)."""

    def __init__(self, settings: Settings, given: Fetcher | None):
        self.given = given
        self.own = None if given is not None else fetcher(settings)

    def __enter__(self) -> Fetcher:
        return self.given or self.own

    def __exit__(self, *_exc: object) -> None:
        if self.own is not None:
            self.own.close()
