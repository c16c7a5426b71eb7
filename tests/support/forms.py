"""The site's pages read as a browser reads them: their forms (action, method, the fields a
submission carries, hidden CSRF token included) and their same-site links, and a bounded crawl
that collects both, for the tests that submit every form the site shows."""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urlsplit

from fastapi.testclient import TestClient
from httpx import Response

from tests.support import web

# Crawling: links under these prefixes are not pages (assets, XML feeds, JSON).
NOT_PAGES = ("/static/", "/feeds/", "/api/", "/docs", "/openapi.json", "/favicon.ico")
# What of a value fits in an address: uvicorn (h11) refuses a request head over 16 KiB, so a
# longer one never reaches the app that way (and the test client refuses 64 KiB).
URL_LIMIT = 16_000
# A field's value standing for the client's CSRF token at the time of sending.
CSRF = "<the session's CSRF token>"
# Inputs a plain submission does not send a text value for.
UNSENT_INPUTS = ("submit", "button", "image", "reset", "file")


@dataclass
class Form:
    """One ``<form>`` as a browser would submit it."""

    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a plain submit sends
    names: list[str] = field(default_factory=list)  # every named control, checked or not
    page: str = ""

    @property
    def shape(self) -> str:
        """The action with its numbers and arXiv ids blurred: one vote form stands for all."""
        return re.sub(r"\d+(\.\d+)?", "N", self.action)


class _PageReader(HTMLParser):
    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None  # name, options, selected

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form":
            method = attributes.get("method", "get").upper()
            self._form = Form(method, attributes.get("action") or self.page, page=self.page)
            self.forms.append(self._form)
        elif self._form is not None:
            self._control(tag, attributes)

    def _control(self, tag: str, attributes: dict[str, str]) -> None:
        form, name = self._form, attributes.get("name")
        if tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            self._select[1].append(value)
            if "selected" in attributes:
                self._select[2].append(value)
        if not name or "disabled" in attributes:
            return
        kind = attributes.get("type", "text").lower()
        if name not in form.names:
            form.names.append(name)
        if tag == "input" and kind in ("checkbox", "radio"):
            if "checked" in attributes:
                form.fields.append((name, attributes.get("value", "on")))
        elif (tag == "input" and kind not in UNSENT_INPUTS) or (
            tag == "button" and all(n != name for n, _ in form.fields)  # the first button
        ):
            form.fields.append((name, attributes.get("value", "")))
        elif tag == "textarea":
            self._textarea = (name, [])
        elif tag == "select":
            self._select = (name, [], [])

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form.fields.append((name, "".join(text)))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, selected = self._select
            chosen = selected or options[:1]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None


def read_page(html: str, page: str) -> tuple[list[Form], list[str]]:
    """The forms of a page and its same-site page links (paths, without fragments)."""
    reader = _PageReader(page)
    reader.feed(html)
    links = []
    for href in reader.links:
        path = urldefrag(href).url
        parts = urlsplit(path)
        if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
            continue
        if not path.startswith(NOT_PAGES):
            links.append(path)
    return reader.forms, links


@dataclass
class Crawl:
    """What a crawl saw: each page's status, and each distinct form (by method, shape, fields)."""

    statuses: dict[str, int] = field(default_factory=dict)
    forms: list[Form] = field(default_factory=list)


def crawl(
    client: TestClient, seeds: list[str], *, pages: int = 60, depth: int = 2, per_shape: int = 2
) -> Crawl:
    """Visit ``seeds`` then the same-site links they lead to, breadth first: at most ``pages``
    pages, ``depth`` links away from a seed, ``per_shape`` pages of one shape (paper pages,
    days...), so the walk stays bounded and still sees every kind of page."""
    seen = Crawl()
    queue = deque((seed, 0) for seed in seeds)
    shapes: Counter[str] = Counter()
    while queue and len(seen.statuses) < pages:
        path, distance = queue.popleft()
        shape = re.sub(r"\d+", "N", urlsplit(path).path)
        if path in seen.statuses or (distance and shapes[shape] >= per_shape):
            continue
        shapes[shape] += 1
        response = client.get(path)
        seen.statuses[path] = response.status_code
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        forms, links = read_page(response.text, urlsplit(path).path)
        for form in forms:
            _keep(seen.forms, form)
        if distance < depth:
            queue.extend((link, distance + 1) for link in links)
    return seen


def _keep(kept: list[Form], form: Form) -> None:
    """Add ``form`` to ``kept`` unless a form of the same shape there sends all its fields (the
    header's search box is the search page's form with fewer fields); it replaces a form of the
    same shape that sends fewer."""
    for index, other in enumerate(kept):
        if (other.method, other.shape) == (form.method, form.shape):
            if set(form.names) <= set(other.names):
                return
            if set(other.names) < set(form.names):
                kept[index] = form
                return
    kept.append(form)


@dataclass
class Attempt:
    """One request as a form (or a hand-made one) sends it: fields in order (repeats allowed),
    or files, or a JSON body, or raw bytes; htmx's headers, and headers of its own."""

    label: str
    method: str
    path: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    files: dict | None = None
    json: dict | None = None
    raw: bytes | None = None
    htmx: bool = False
    headers: dict[str, str] = field(default_factory=dict)  # sent as Latin-1 bytes


def send(client: TestClient, attempt: Attempt, token: str) -> Response:
    """Send ``attempt`` from ``client``, whose CSRF token is now ``token`` (for :data:`CSRF`);
    a GET sends its fields in the query, each cut to :data:`URL_LIMIT`."""
    fields = [(n, token if v == CSRF else v) for n, v in attempt.fields]
    headers = {**web.HTMX, "X-CSRF-Token": token} if attempt.htmx else {}
    options: dict = {}
    path = attempt.path
    if attempt.method == "GET":
        query = urlencode([(n, v[:URL_LIMIT]) for n, v in fields])
        path += (("&" if "?" in path else "?") + query) if query else ""
    elif attempt.json is not None:
        options["json"] = {n: token if v == CSRF else v for n, v in attempt.json.items()}
    elif attempt.files is not None:
        options.update(data=dict(fields), files=attempt.files)
    else:
        options["content"] = attempt.raw or urlencode(fields).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    raw_headers = [
        (k.encode(), v.encode("latin-1")) for k, v in {**headers, **attempt.headers}.items()
    ]
    return client.request(
        attempt.method, path, headers=raw_headers, follow_redirects=False, **options
    )


def route_matches(template: str, path: str) -> bool:
    """Whether ``path`` is an address of the route ``template`` (``{param}`` any segments)."""
    parts = re.split(r"{[^}]+}", template)
    return re.fullmatch(".+?".join(map(re.escape, parts)), urlsplit(path).path) is not None
