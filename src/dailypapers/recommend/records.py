"""What recommendations hand to the web and the digest."""

from __future__ import annotations

from dataclasses import dataclass, field

from dailypapers.papers.records import Card


@dataclass(frozen=True)
class Recommendation:
    card: Card
    score: float
    reason: str  # "why this paper": the reader's paper it is closest to, by title


@dataclass(frozen=True)
class ForYou:
    new: list[Recommendation] = field(default_factory=list)  # the latest days
    archive: list[Recommendation] = field(default_factory=list)  # best of every paper
    notice: str | None = None  # what the reader should know (nothing to learn from yet...)
