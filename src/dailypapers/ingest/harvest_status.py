"""How harvesting goes, for the pages: each configured source's last attempt, success and error,
and whether the site can fill itself at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dailypapers.db.engine import Database
from dailypapers.ingest.harvest import SOURCES, utc_now
from dailypapers.store import harvest as harvest_store


@dataclass
class SourceStatus:
    source: str
    last_attempt_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = None
    next_run_at: datetime | None = None
    running: bool = False


@dataclass
class HarvestStatus:
    sources: list[SourceStatus]

    @property
    def unreachable(self) -> bool:
        """Every configured source failed its latest run: the site cannot fill itself."""
        return bool(self.sources) and all(s.last_error for s in self.sources)

    @property
    def last_success_at(self) -> datetime | None:
        return max((s.last_success_at for s in self.sources if s.last_success_at), default=None)


def status(
    db: Database, sources: list[str] | None = None, now: datetime | None = None
) -> HarvestStatus:
    """How each source fared, for pages: ``sources`` (the configured ones), else every source
    that has run."""
    now = now or utc_now()
    with db.read() as conn:
        states = harvest_store.many(conn, list(SOURCES if sources is None else sources))
    if sources is None:
        sources = [s for s in SOURCES if s in states]
    result = []
    for source in sources:
        state = states.get(source) or {}
        lease_until = state.get("lease_until")
        result.append(
            SourceStatus(
                source=source,
                last_attempt_at=state.get("last_attempt_at"),
                last_success_at=state.get("last_success_at"),
                last_error=state.get("last_error"),
                next_run_at=state.get("next_run_at"),
                running=lease_until is not None and lease_until > now,
            )
        )
    return HarvestStatus(result)
