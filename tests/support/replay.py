"""A local HTTP server replaying the real recorded exchanges with arXiv and the upstream feed.

The network sources run unmodified against it: tests point ``settings.arxiv_api_url``,
``oai_pmh_url`` and ``upstream_url`` here. Requests match a recorded exchange on path plus query
parameters (order-insensitive, blank values kept); an exchange recorded as a sequence (OAI-PMH's
503 with Retry-After, then 200) is answered in that order, its last answer repeating. Anything
unknown is a 404 whose body says so, so a test asking for something never recorded fails loudly.

Where each answer comes from (all read from ``../shared/data`` at run time):

- arXiv API: ``fixtures/arxiv-api/*.json`` (``url``, ``status_code``, ``body``) at ``/api/query``.
  The bodies were saved after being decoded as Latin-1; they are sent re-encoded as Latin-1, which
  restores the UTF-8 bytes arXiv sent ("Wübben", not "WÃ¼bben").
- OAI-PMH: ``fixtures/oai-pmh/recorded/*.json`` (method, path, status, response, rawHeaders) and
  ``fixtures/oai-pmh/*.xml`` at ``/oai2``, each XML routed by the parameters in its own
  ``<request>`` element. Two routes are ours: the badArgument answer (its ``<request>`` is blank)
  answers a ListRecords that carries an ``identifier``, as its message says; and the page after the
  recorded arXivRaw page's resumption token ``726959|1001``, which arXiv's recording does not have,
  is the recorded GetRecord record (1302.2146) as a final ListRecords page (empty token).
- Upstream: ``hf-daily-papers/<date>.json.gz`` as ``/api/daily_papers?date=<date>`` with the
  upstream's ``p``/``limit`` paging (limit 1..100, default 50).

Tests can add or replace answers with :meth:`ReplayServer.add` (e.g. a 500 for one day).
"""

from __future__ import annotations

import gzip
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

Params = tuple[tuple[str, str], ...]
SKIPPED_HEADERS = {"transfer-encoding", "connection", "content-length", "date"}


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Request:
    at: float  # time.monotonic() when it arrived
    path: str
    params: dict[str, str]
    status: int = 0


def key(params: Iterable[tuple[str, str]] | dict[str, str]) -> Params:
    pairs = params.items() if isinstance(params, dict) else params
    return tuple(sorted((str(k), str(v)) for k, v in pairs))


def recorded_bytes(text: str) -> bytes:
    """The bytes a recorded body was decoded from (Latin-1 decoding of UTF-8, when it was)."""
    try:
        raw = text.encode("latin-1")
        raw.decode("utf-8")
        return raw
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text.encode("utf-8")


class ReplayServer:
    def __init__(self, name: str):
        self.name = name
        self.routes: dict[tuple[str, Params], list[Answer]] = {}
        self.handlers: dict[str, Callable[[dict[str, str]], Answer | None]] = {}
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, args=(0.02,), daemon=True, name=f"replay-{name}"
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def add(
        self, path: str, params: dict[str, str] | Iterable[tuple[str, str]], *answers: Answer
    ) -> None:
        """Answer ``path?params`` with ``answers`` in turn (the last repeats), replacing any."""
        with self._lock:
            self.routes[(path, key(params))] = list(answers)

    def requests_to(self, path: str | None = None, **params: str) -> list[Request]:
        """Requests received (optionally those to ``path`` whose parameters include ``params``)."""
        return [
            r
            for r in self.requests
            if (path is None or r.path == path)
            and all(r.params.get(k) == v for k, v in params.items())
        ]

    def _answer(self, path: str, params: Params) -> Answer:
        with self._lock:
            answers = self.routes.get((path, params))
            if answers:
                return answers.pop(0) if len(answers) > 1 else answers[0]
        handler = self.handlers.get(path)
        if handler is not None:
            found = handler(dict(params))
            if found is not None:
                return found
        known = sum(1 for p, _ in self.routes if p == path)
        body = (
            f"replay server {self.name!r}: no recorded response for GET {path} with "
            f"parameters {dict(params)} ({known} recorded for this path)\n"
        )
        return Answer(404, body.encode(), {"Content-Type": "text/plain; charset=utf-8"})

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                params = key(parse_qsl(parts.query, keep_blank_values=True))
                request = Request(time.monotonic(), parts.path, dict(params))
                with server._lock:
                    server.requests.append(request)
                answer = server._answer(parts.path, params)
                request.status = answer.status
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *_args: object) -> None:
                pass

        return Handler


# -- the three servers ---------------------------------------------------------------------------

ARXIV_API_PATH = "/api/query"
OAI_PMH_PATH = "/oai2"
UPSTREAM_PATH = "/api/daily_papers"
ATOM_TYPE = {"Content-Type": "application/atom+xml; charset=UTF-8"}
XML_TYPE = {"Content-Type": "text/xml"}


def arxiv_api(fixtures: Path) -> ReplayServer:
    server = ReplayServer("arxiv-api")
    for path in sorted((fixtures / "arxiv-api").glob("*.json")):
        exchange = json.loads(path.read_text())
        url = urlsplit(exchange["url"])
        server.add(
            url.path,
            parse_qsl(url.query, keep_blank_values=True),
            Answer(exchange["status_code"], recorded_bytes(exchange["body"]), ATOM_TYPE),
        )
    return server.start()


def id_query(arxiv_id: str) -> dict[str, str]:
    """The query the arXiv API source sends for one id."""
    return {
        "search_query": "",
        "id_list": arxiv_id,
        "sortBy": "relevance",
        "sortOrder": "descending",
        "start": "0",
        "max_results": "100",
    }


def unknown_to_arxiv(server: ReplayServer, *arxiv_ids: str) -> None:
    """Answer these (well-formed) ids as arXiv answers an id it has no paper for: its recorded
    answer to ``0000.0000``, an empty feed."""
    nothing = server.routes[(ARXIV_API_PATH, key(id_query("0000.0000")))][-1]
    for arxiv_id in arxiv_ids:
        server.add(ARXIV_API_PATH, id_query(arxiv_id), nothing)


def held(
    server: ReplayServer, path: str, params: dict[str, str]
) -> tuple[threading.Event, threading.Event]:
    """Hold the recorded answer to ``path?params`` back: returns (``asked``, ``answer``);
    ``asked`` is set when the request arrives, and the answer leaves once the test sets
    ``answer`` (or after 30 s). Other requests are answered as before."""
    with server._lock:
        recorded = server.routes.pop((path, key(params)))[-1]
    asked, answer = threading.Event(), threading.Event()
    wanted = dict(key(params))

    def hold(got: dict[str, str]) -> Answer | None:
        if got != wanted:
            return None
        asked.set()
        answer.wait(30)
        return recorded

    server.handlers[path] = hold
    return asked, answer


def oai_pmh(fixtures: Path) -> ReplayServer:
    server = ReplayServer("oai-pmh")
    folder = fixtures / "oai-pmh"
    for path in sorted((folder / "recorded").glob("*.json")):
        for exchange in json.loads(path.read_text()):
            url = urlsplit(exchange["path"])
            raw = exchange.get("rawHeaders", [])
            headers = {
                name: value
                for name, value in zip(raw[::2], raw[1::2], strict=True)
                if name.lower() not in SKIPPED_HEADERS
            }
            route = (url.path, key(parse_qsl(url.query, keep_blank_values=True)))
            answer = Answer(exchange["status"], recorded_bytes(exchange["response"]), headers)
            server.routes.setdefault(route, []).append(answer)
    bad_argument = None
    for path in sorted(folder.glob("*.xml")):
        body = path.read_bytes()
        params = _request_params(body)
        if path.name == "ErrorResponseBadArgument.xml":
            bad_argument = Answer(200, body, XML_TYPE)
        elif path.name == "ErrorResponseBadVerb.xml":
            server.add(OAI_PMH_PATH, {"verb": "wah"}, Answer(200, body, XML_TYPE))
        else:
            server.add(OAI_PMH_PATH, params, Answer(200, body, XML_TYPE))
    server.add(
        OAI_PMH_PATH,
        {"verb": "ListRecords", "resumptionToken": "726959|1001"},
        Answer(200, final_list_records_page(folder / "GetRecordResponse.xml"), XML_TYPE),
    )

    def list_records_with_identifier(params: dict[str, str]) -> Answer | None:
        if params.get("verb") == "ListRecords" and "identifier" in params:
            return bad_argument
        return None

    server.handlers[OAI_PMH_PATH] = list_records_with_identifier
    return server.start()


def upstream(hf_daily_papers: Path) -> ReplayServer:
    server = ReplayServer("upstream")

    def daily_papers(params: dict[str, str]) -> Answer | None:
        day = params.get("date", "")
        path = hf_daily_papers / f"{day}.json.gz"
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) or not path.is_file():
            return None
        try:
            page, limit = int(params.get("p", "0")), int(params.get("limit", "50"))
        except ValueError:
            page, limit = -1, 0
        if page < 0 or not 1 <= limit <= 100:
            error = {"error": "p must be >= 0 and limit within 1..100"}
            return Answer(400, json.dumps(error).encode(), {"Content-Type": "application/json"})
        entries = json.loads(gzip.decompress(path.read_bytes()))
        chunk = entries[page * limit : (page + 1) * limit]
        return Answer(200, json.dumps(chunk).encode(), {"Content-Type": "application/json"})

    server.handlers[UPSTREAM_PATH] = daily_papers
    return server.start()


def _request_params(body: bytes) -> dict[str, str]:
    """The parameters of the request an OAI-PMH response answers (its ``<request>`` element)."""
    from lxml import etree

    root = etree.fromstring(body)
    request = root.find("{http://www.openarchives.org/OAI/2.0/}request")
    return dict(request.attrib) if request is not None else {}


def final_list_records_page(get_record: Path) -> bytes:
    """The recorded GetRecord record as the last page of a ListRecords (empty resumptionToken)."""
    text = get_record.read_text()
    record = text[text.index("<record>") : text.index("</record>") + len("</record>")]
    head = text[: text.index("<request")]
    return (
        f'{head}<request verb="ListRecords" resumptionToken="726959|1001">'
        "http://export.arxiv.org/oai2</request>\n<ListRecords>\n"
        f'{record}\n<resumptionToken cursor="1001" completeListSize="58011"/>\n'
        "</ListRecords>\n</OAI-PMH>\n"
    ).encode()
