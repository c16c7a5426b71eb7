"""The records the operator's checks return."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Check:
    """One readiness check: its name, whether it passed, and what it found."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class Readiness:
    checks: list[Check]

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def failing(self) -> list[str]:
        return [check.name for check in self.checks if not check.ok]


@dataclass(frozen=True, slots=True)
class SiteGauges:
    """The shared state ``/metrics`` reports, read from the database at scrape time."""

    mail_outbox: int  # mails queued, being sent or handed over and not yet confirmed
    webhook_outbox: int  # webhook deliveries queued or being posted
    harvest_age: dict[str, float | None] = field(default_factory=dict)  # source -> s, or never
    papers_without_embedding: int = 0
    papers_not_in_keyword_index: int = 0
