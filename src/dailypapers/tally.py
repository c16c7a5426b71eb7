"""What a run did, counted: the imports' and the mail sender's summaries are tallies, added up
across the batches, rounds or workers of one run."""

from __future__ import annotations

from dataclasses import dataclass, fields
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
