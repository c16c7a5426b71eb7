"""A paper's code links: the repository, model, dataset, demo and project URLs its abstract and
arXiv comment name, found, normalised and classified by pure functions. It sits at the bottom of
the layers because the ingest pipeline and the migration that backfilled ``paper_links`` write
with it, below the papers package that reads them.

Measured on ../shared (``python -m bench code_links``): 17,528 of the 79,994 listed papers get a
link (12,652 a code link); a seeded sample of 50 of them read by hand had 50 with every link
right and 49 with every kind right; of the 2,414 listed papers with the upstream's
``githubRepo``, 36.8 % get that repository from their text alone, 99.9 % of the 889 whose text
names it (the others give only a project page, or no link).

Finding: ``http(s)://`` URLs, ``www.`` hosts, and the repository hosts written bare
(``github.com/a/b``), after undoing what wrapping and TeX do to them: ``\\url{}`` and
``\\href{}{}`` unwrapped, TeX escapes (``\\_``) dropped, a space or line break after ``https:``,
inside ``github. com`` or after a repository URL's host or owner (``github.com/owner/ repo``)
closed up. A URL ends at space, quotes, angle brackets, braces and backslashes; trailing
``.,;:!?*`` and closing brackets that open nowhere in it are cut. Only ``http`` and ``https``
are links; a URL with credentials (``user@host``), an IP address or a host without a dotted name
is none.

Normalising: the host lower-cased; ``http`` upgraded to ``https`` only for hosts that serve
nothing else (the repository hosts, Hugging Face, GitHub and GitLab Pages). A repository link is
cut to the repository (``github.com/owner/repo``: ``/tree/main/src``, ``/blob/...``, ``.git``,
query and fragment go), so one repository is one link wherever the text points into it; GitLab
keeps its subgroups and is cut at ``/-/``. Hugging Face links are cut to the model, dataset,
space or collection. Other URLs keep their path, query and fragment, without a trailing ``/``.

Classifying: GitHub, GitLab, Bitbucket and Codeberg are ``code``; Hugging Face is ``model``,
``dataset`` (``/datasets/``) or ``demo`` (``/spaces/``); GitHub and GitLab Pages are
``project``. Any other host is a link only when the words just before it in its sentence
introduce it: the nearest of "code", "demo", "project page", "website", "dataset", "model"...
gives its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

KINDS = ("code", "model", "dataset", "demo", "project")
SOURCES = ("upstream", "abstract", "comment")
# Longer URLs are junk (a pasted query string, a broken wrap): the longest real link among the
# 80,000 listed papers is under 200 characters, and the store indexes (paper_id, url).
MAX_URL_LENGTH = 400
# How far before a URL its introduction ("Code is available at") is looked for, in characters:
# the longest introductions in the listings ("The source code and the datasets are publicly
# available at") fit in it, the previous sentence's words mostly do not.
INTRO_REACH = 80


@dataclass(frozen=True, slots=True)
class CodeLink:
    url: str
    kind: str  # one of KINDS
    source: str  # one of SOURCES


_REPOSITORY_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org"})
_HUGGING_FACE = frozenset({"huggingface.co", "hf.co"})
_PAGES_SUFFIXES = (".github.io", ".gitlab.io", ".codeberg.page")
# First path segments of the repository hosts and Hugging Face that are the site's own pages,
# never an owner's.
_SITE_PAGES = frozenset(
    {"about", "apps", "blog", "collections", "docs", "explore", "features", "join", "learn",
     "login", "marketplace", "models", "papers", "posts", "pricing", "search", "settings",
     "signup", "sponsors", "tasks", "topics", "users"}
)  # fmt: skip
# Hosts that are never a paper's code or project, however the text introduces them.
_NOT_LINKS = frozenset({"arxiv.org", "www.arxiv.org", "creativecommons.org"})

_BARE_HOSTS = r"github\.com|gitlab\.com|huggingface\.co|hf\.co|bitbucket\.org|codeberg\.org"
# Every quantifier here runs over one character class and each match starts where the last
# ended or at a word start, so a scan is linear in the text: no pattern can backtrack into a
# long run (a 100,000-character comment costs one pass).
_URL = re.compile(
    r"(?:https?://|(?<![\w./@:-])(?:www\.|(?:" + _BARE_HOSTS + r"|[\w-]+\.github\.io)(?![\w.-])))"
    r"[^\s<>\"'`{}|\\^\[\]]*",
    re.IGNORECASE,
)
# What every text with a link contains: most abstracts have none, and these substring tests are
# a hundred times cheaper than the patterns below.
_MARKERS = ("http", "www.", "github", "gitlab", "huggingface", "hf.co", "bitbucket", "codeberg")
_TEX_URL = re.compile(r"\\url\{([^{}]*)\}")
_TEX_HREF = re.compile(r"\\href\{([^{}]*)\}\{[^{}]*\}")
_TEX_ESCAPE = re.compile(r"\\([_%#&~])")
_SPLIT_SCHEME = re.compile(r"(https?):[ \t]*\n?[ \t]*//?[ \t]*\n?[ \t]*", re.IGNORECASE)
_SPLIT_HOST = re.compile(
    r"\b(github|gitlab|bitbucket|codeberg|huggingface)[ \t]*\.[ \t]*\n?[ \t]*(com|org|co)\b",
    re.IGNORECASE,
)
_SPLIT_PATH = re.compile(
    r"\b((?:github\.com|gitlab\.com|bitbucket\.org|codeberg\.org)/(?:[\w.-]+/)?)"
    r"(?:[ \t]*\n[ \t]*|[ \t]+)(?=\w)",
    re.IGNORECASE,
)
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")
_TRAILING = ".,;:!?*'\""
_CLOSING = {")": "(", "]": "[", "}": "{"}
_INTRO = re.compile(
    r"\b(?P<project>project[ -]?(?:page|website|site)|web[ -]?(?:page|site)|home[ -]?page|"
    r"website|project)|(?P<demo>demos?|playground)|(?P<dataset>datasets?|data|benchmarks?|"
    r"corpus)|(?P<model>models?|checkpoints?|weights)|(?P<code>codes?|implementations?|"
    r"source|repository|repo|github|software|toolkit|library)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$)")


def links_of(
    abstract: str | None,
    comment: str | None,
    *,
    github_repo: str | None = None,
    project_page: str | None = None,
) -> list[CodeLink]:
    """A paper's links, each URL once, in this order: the upstream feed's repository and project
    page, then what the abstract names, then the comment (first mention wins)."""
    found: dict[str, CodeLink] = {}
    for url, kind in ((github_repo, "code"), (project_page, "project")):
        if url and (link := _upstream(url, kind)):
            found.setdefault(link.url, link)
    for source, text in (("abstract", abstract), ("comment", comment)):
        for url, kind in extract(text or ""):
            found.setdefault(url, CodeLink(url, kind, source))
    return list(found.values())


def extract(text: str) -> list[tuple[str, str]]:
    """(normalised URL, kind) of every link in ``text``, in order, repeats included."""
    lowered = text.lower()
    if not any(marker in lowered for marker in _MARKERS):
        return []
    text = _unwrapped(text)
    found = []
    previous_end = 0
    for match in _URL.finditer(text):
        raw = _trimmed(match.group())
        intro = _intro(text[max(previous_end, match.start() - INTRO_REACH) : match.start()])
        previous_end = match.end()
        link = classify(raw, intro)
        if link is not None:
            found.append(link)
    return found


def classify(raw: str, intro: str | None = None) -> tuple[str, str] | None:
    """(normalised URL, kind) of one URL as written, or None when it is no link: ``intro`` is
    the kind its introduction names, which hosts of unknown kind need."""
    parts = _parts(raw)
    if parts is None:
        return None
    host, port, path, query, fragment = parts
    if host.removeprefix("www.") in _REPOSITORY_HOSTS | _HUGGING_FACE:
        host = host.removeprefix("www.")
    if host in _REPOSITORY_HOSTS:
        return _repository(host, path)
    if host in _HUGGING_FACE:
        return _hugging_face(path)
    if host.endswith(_PAGES_SUFFIXES):
        return _joined("https", host, port, path, query, fragment), "project"
    if intro is None or host in _NOT_LINKS:
        return None
    scheme = "https" if raw.lower().startswith("https://") else "http"
    return _joined(scheme, host, port, path, query, fragment), intro


def best(links: list[CodeLink], kind: str, host: str | None = None) -> str | None:
    """The first link of ``kind`` (on ``host``, if given), or None."""
    for link in links:
        if link.kind == kind and (host is None or urlsplit(link.url).hostname == host):
            return link.url
    return None


def _upstream(url: str, kind: str) -> CodeLink | None:
    """The upstream feed's own link: classified by its host where that says more (a project
    page on Hugging Face Spaces is a demo), else the kind the field gives."""
    link = classify(url.strip(), kind)
    return CodeLink(link[0], link[1], "upstream") if link else None


def _unwrapped(text: str) -> str:
    text = _TEX_HREF.sub(r" \1 ", _TEX_URL.sub(r" \1 ", text))
    text = _TEX_ESCAPE.sub(r"\1", text)
    text = _SPLIT_SCHEME.sub(lambda m: m.group(1) + "://", text)
    text = _SPLIT_HOST.sub(r"\1.\2", text)
    # Twice: a break after the host and another after the owner ("github.com/ owner/ repo").
    return _SPLIT_PATH.sub(r"\1", _SPLIT_PATH.sub(r"\1", text))


def _trimmed(url: str) -> str:
    """The URL without the punctuation of the sentence around it."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _CLOSING and url.count(_CLOSING[last]) < url.count(last)):
            url = url[:-1]
        else:
            break
    return url


def _intro(before: str) -> str | None:
    """The kind the nearest introducing word in the URL's own sentence names, or None."""
    sentence = _SENTENCE_END.split(before)[-1]
    kind = None
    for match in _INTRO.finditer(sentence):
        kind = match.lastgroup
    return kind


def _parts(raw: str) -> tuple[str, int | None, str, str, str] | None:
    """(host, port, path, query, fragment) of an http(s) URL fit to link, or None."""
    if len(raw) > MAX_URL_LENGTH:
        return None
    if not re.match(r"https?://", raw, re.IGNORECASE):
        raw = "http://" + raw
    try:
        split = urlsplit(raw)
        port = split.port
    except ValueError:
        return None
    host = (split.hostname or "").lower()
    if "@" in split.netloc or not _HOST.fullmatch(host):
        return None
    if port is not None and port == {"http": 80, "https": 443}.get(split.scheme.lower()):
        port = None
    return host, port, split.path.rstrip("/"), split.query, split.fragment


def _joined(scheme: str, host: str, port: int | None, path: str, query: str, fragment: str):
    where = f"{host}:{port}" if port is not None else host
    url = f"{scheme}://{where}{path}"
    if query:
        url += f"?{query}"
    if fragment:
        url += f"#{fragment}"
    return url


def _repository(host: str, path: str) -> tuple[str, str] | None:
    segments = [s for s in path.split("/") if s]
    if host == "gitlab.com":
        segments = segments[: segments.index("-")] if "-" in segments else segments
    else:
        if segments[:1] == ["orgs"]:
            segments = segments[1:2]
        segments = segments[:2]
    if not segments or segments[0].lower() in _SITE_PAGES:
        return None
    segments[-1] = segments[-1].removesuffix(".git")
    if not segments[-1]:
        return None
    return f"https://{host}/" + "/".join(segments), "code"


def _hugging_face(path: str) -> tuple[str, str] | None:
    segments = [s for s in path.split("/") if s]
    kinds = {"datasets": "dataset", "spaces": "demo", "collections": "model"}
    if segments and segments[0] in kinds:
        kind, segments = kinds[segments[0]], segments[:3]
        if len(segments) < 2:
            return None
    else:
        kind, segments = "model", segments[:2]
        if not segments or segments[0].lower() in _SITE_PAGES:
            return None
    return "https://huggingface.co/" + "/".join(segments), kind
