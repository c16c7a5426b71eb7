"""What goes in one reader's digest: a pure function of the period, the reader's preferences and
the candidate papers (with their scores), so it is tested with a fixed clock and no database.

The result is the outbox row's ``content``: plain JSON that :mod:`dailypapers.digest.render` turns
into the same message every time it is rendered.

Sections, in this order, each without the papers an earlier section showed:
- ``top``: the period's papers by upvotes (upstream count + local votes);
- ``trending``: the last week's papers by the trending score (trending.trending_score at the due
  time), leaving out papers this address was already mailed;
- ``for_you``: the reader's personal ranking (dailypapers.recommend), leaving out
  papers already mailed, upvoted, saved or marked "not interested";
- ``searches``: new matches of each saved search;
- ``feed``: one section per feed of the reader's (dailypapers.feeds), its papers new since the
  last digest;
- ``watching``: the papers the reader watches (dailypapers.watching) with news since the last
  digest, each once, its changes in one line where other sections show the abstract.
A paper the reader marked "not interested" appears in no section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dailypapers.digest.schedule import Period
from dailypapers.papers import trending

SECTIONS = ("top", "trending", "for_you", "searches")
SECTION_TITLES = {
    "top": "Top papers",
    "trending": "Trending",
    "for_you": "For you",
    "searches": "New matches for your saved searches",
    "feed": "Your feed",  # each feed's section is titled with its name
    "watching": "Papers you watch",
}
_SUBJECT_WORDS = {
    "top": ("top paper", "top papers"),
    "trending": ("trending paper", "trending papers"),
    "for_you": ("for you", "for you"),
    "searches": ("search match", "search matches"),
    "feed": ("feed paper", "feed papers"),
    "watching": ("watched paper changed", "watched papers changed"),
}
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MAX_AUTHORS_SHOWN = 3
ABSTRACT_CHARS = 280
CONTENT_VERSION = 1


@dataclass(frozen=True)
class Paper:
    id: int
    arxiv_id: str
    title: str
    authors: tuple[str, ...] = ()
    abstract: str = ""
    upvotes: int = 0
    entered_at: datetime | None = None
    github_repo: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Paper:
        return cls(
            id=row["id"],
            arxiv_id=row["arxiv_id"],
            title=row["title"],
            authors=tuple(row.get("authors") or ()),
            abstract=row.get("abstract") or "",
            upvotes=int(row.get("upvotes") or 0),
            entered_at=row.get("entered_at"),
            github_repo=row.get("github_repo"),
        )


@dataclass(frozen=True)
class Prefs:
    sections: tuple[str, ...] = SECTIONS
    top_count: int = 5
    trending_count: int = 5
    for_you_count: int = 5
    search_count: int = 5


@dataclass(frozen=True)
class SearchMatches:
    query: str
    papers: Sequence[Paper]  # ranked, only papers new since the search's watermark


@dataclass(frozen=True)
class FeedMatches:
    name: str
    papers: Sequence[Paper]  # newest first, only papers new since the feed's last digest


@dataclass(frozen=True)
class WatchedNews:
    paper: Paper
    changes: str  # what changed since the last digest, in one line


@dataclass(frozen=True)
class Candidates:
    # Ranked once per period by rank_top / rank_trending (shared by every reader of the period).
    period_papers: Sequence[Paper] = ()
    trending_pool: Sequence[Paper] = ()
    for_you: Sequence[tuple[Paper, float]] = ()  # ranked, best first
    searches: Sequence[SearchMatches] = ()
    feeds: Sequence[FeedMatches] = ()
    watching: Sequence[WatchedNews] = ()
    already_mailed: frozenset[int] = field(default_factory=frozenset)
    known: frozenset[int] = field(default_factory=frozenset)  # upvoted or saved by the reader
    not_interested: frozenset[int] = field(default_factory=frozenset)


def compose(
    period: Period, prefs: Prefs, candidates: Candidates, *, site_name: str = "dailypapers"
) -> dict | None:
    """The digest's content, or None when it would be empty (no mail is sent then)."""
    shown: set[int] = set(candidates.not_interested)
    sections: list[dict] = []
    wanted = set(prefs.sections)

    if "top" in wanted:
        picked = _take(candidates.period_papers, prefs.top_count, shown)
        shown.update(p.id for p in picked)
        sections.append(_section("top", picked))
    if "trending" in wanted:
        skip = shown | candidates.already_mailed
        picked = _take(candidates.trending_pool, prefs.trending_count, skip)
        shown.update(p.id for p in picked)
        sections.append(_section("trending", picked))
    if "for_you" in wanted:
        skip = shown | candidates.already_mailed | candidates.known
        picked = _take([p for p, _ in candidates.for_you], prefs.for_you_count, skip)
        shown.update(p.id for p in picked)
        sections.append(_section("for_you", picked))
    if "searches" in wanted:
        groups = []
        for search in candidates.searches:
            picked = _take(list(search.papers), prefs.search_count, shown)
            shown.update(p.id for p in picked)
            if picked:
                groups.append({"query": search.query, "papers": [_paper(p) for p in picked]})
        if groups:
            sections.append(
                {
                    "key": "searches",
                    "title": SECTION_TITLES["searches"],
                    "groups": groups,
                    "count": sum(len(g["papers"]) for g in groups),
                }
            )

    sections += _feed_sections(candidates, prefs, shown)
    sections.append(_watching_section(candidates.watching))

    sections = [s for s in sections if s["count"]]
    if not sections:
        return None
    label = date_label(period)
    parts = _subject_parts(sections)
    return {
        "version": CONTENT_VERSION,
        "kind": "digest",
        "period": period.key,
        "frequency": period.frequency,
        "date": period.local_date.isoformat(),
        "date_label": label,
        "covers": [period.start_day.isoformat(), period.end_day.isoformat()],
        "subject": f"{', '.join(parts)} — {site_name}, {label}",
        "sections": sections,
    }


def _feed_sections(candidates: Candidates, prefs: Prefs, shown: set[int]) -> list[dict]:
    """A section per feed, each without what earlier sections showed or earlier mails sent."""
    sections = []
    for feed in candidates.feeds:
        picked = _take(list(feed.papers), prefs.search_count, shown | candidates.already_mailed)
        shown.update(p.id for p in picked)
        sections.append({**_section("feed", picked), "title": f"Your feed “{feed.name}”"})
    return sections


def _watching_section(news: Sequence[WatchedNews]) -> dict:
    """Every watched paper with news (a reader asked for each), even if shown above."""
    papers = [{**_paper(n.paper), "abstract": _cut(n.changes, ABSTRACT_CHARS)} for n in news]
    return {"key": "watching", "title": SECTION_TITLES["watching"], "papers": papers,
            "count": len(papers)}  # fmt: skip


def _subject_parts(sections: list[dict]) -> list[str]:
    """One count per kind of section: several feeds' are "N feed papers" together."""
    counts: dict[str, int] = {}
    for section in sections:
        counts[section["key"]] = counts.get(section["key"], 0) + section["count"]
    return [_count_words(key, count) for key, count in counts.items()]


def paper_ids(content: dict) -> list[int]:
    """Every paper a composed digest shows (recorded as mailed)."""
    ids: list[int] = []
    for section in content["sections"]:
        for paper in section.get("papers", []):
            ids.append(paper["id"])
        for group in section.get("groups", []):
            ids.extend(p["id"] for p in group["papers"])
    return ids


def date_label(period: Period) -> str:
    day = period.local_date if period.frequency == "daily" else period.start_day
    text = f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"
    return text if period.frequency == "daily" else f"week of {text}"


def rank_top(papers: Sequence[Paper]) -> list[Paper]:
    """By upvotes; ties: the paper that entered the feed first, then the arXiv id."""
    return sorted(papers, key=_by_upvotes)


def rank_trending(papers: Sequence[Paper], now: datetime) -> list[Paper]:
    """By trending.trending_score at ``now`` (the digest's due time)."""
    return sorted(papers, key=lambda p: _by_trending(p, now))


def _by_upvotes(paper: Paper) -> tuple:
    entered = paper.entered_at.timestamp() if paper.entered_at else 0.0
    return (-paper.upvotes, entered, paper.arxiv_id)


def _by_trending(paper: Paper, now: datetime) -> tuple:
    score = trending.trending_score(paper.upvotes, paper.entered_at or now, now)
    return (-score, -paper.upvotes, paper.arxiv_id)


def _take(ranked: Sequence[Paper], count: int, skip: set[int] | frozenset[int]) -> list[Paper]:
    picked: list[Paper] = []
    seen = set(skip)
    for paper in ranked:
        if len(picked) >= count:
            break
        if paper.id not in seen:
            picked.append(paper)
            seen.add(paper.id)
    return picked


def _section(key: str, papers: list[Paper]) -> dict:
    return {
        "key": key,
        "title": SECTION_TITLES[key],
        "papers": [_paper(p) for p in papers],
        "count": len(papers),
    }


def _paper(paper: Paper) -> dict:
    authors = list(paper.authors)
    return {
        "id": paper.id,
        "arxiv_id": paper.arxiv_id,
        "title": " ".join(paper.title.split()),
        "authors": authors[:MAX_AUTHORS_SHOWN],
        "author_count": len(authors),
        "abstract": _cut(" ".join(paper.abstract.split()), ABSTRACT_CHARS),
        "upvotes": paper.upvotes,
        "github_repo": paper.github_repo,
    }


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"


def _count_words(key: str, count: int) -> str:
    singular, plural = _SUBJECT_WORDS[key]
    return f"{count} {singular if count == 1 else plural}"
