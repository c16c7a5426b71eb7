"""What a run did, counted: the imports' and the mail sender's summaries are tallies, added up
across the batches, rounds or workers of one run."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import ClassVar, Self


@dataclass
class Tally:
    """A run's counts (its int fields) and the first notable items (its list fields: errors,
    rejections), at most ``KEPT`` of each (each tally says how many), so a long run's summary
    stays small."""

    KEPT: ClassVar[int]

    def add(self, other: Self) -> None:
        """Fold ``other`` (a later batch or round of the same run) into this tally."""
        for name in (f.name for f in fields(self)):
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, list):
                mine.extend(theirs[: max(self.KEPT - len(mine), 0)])
            else:
                setattr(self, name, mine + theirs)


@dataclass
class SendingTally(Tally):
    """What a run sending an outbox's rows did, in what every outbox shares: rows queued again
    for a retry, failed for good, cancelled (no longer wanted), and the first failures, worded.
    Each outbox adds its own outcomes (sent, delivered, ...)."""

    KEPT: ClassVar[int] = 20  # errors worth reading: the rest are much the same
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)
