"""An in-process rate limiter (GCRA, the "generic cell rate algorithm" token bucket).

Each key (a client IP, an API token) may make ``per_minute`` requests per minute, in bursts of up
to ``per_minute`` at once; :meth:`RateLimiter.hit` answers how long to wait when over. State is
one float per key in this process: cheap enough for every request, but with several worker
processes each counts on its own, so a client may get up to N times the limit across N workers
(put a shared limiter in the reverse proxy for a hard global limit). Keys idle long enough to be
back at a full burst are forgotten, so memory stays bounded by the recently active clients.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ):
        self.per_minute = per_minute
        self.interval = 60.0 / per_minute if per_minute > 0 else 0.0
        self.burst = per_minute
        self.clock = clock
        self.max_keys = max_keys
        # key -> theoretical arrival time of the next request at the steady rate
        self._tat: dict[str, float] = {}

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def hit(self, key: str) -> float | None:
        """Count one request for ``key``: None if allowed, else the seconds to wait."""
        if not self.enabled:
            return None
        now = self.clock()
        tat = max(self._tat.get(key, now), now)
        allowed_at = tat - self.interval * (self.burst - 1)
        if now < allowed_at:
            return allowed_at - now
        if len(self._tat) >= self.max_keys and key not in self._tat:
            self._forget_idle(now)
        self._tat[key] = tat + self.interval
        return None

    def remaining(self, key: str) -> int:
        """Requests ``key`` could still make right now."""
        if not self.enabled:
            return 0
        now = self.clock()
        tat = max(self._tat.get(key, now), now)
        return max(0, int((now - tat) / self.interval + self.burst))

    def _forget_idle(self, now: float) -> None:
        idle = [key for key, tat in self._tat.items() if tat <= now]
        for key in idle:
            del self._tat[key]
        if len(self._tat) >= self.max_keys:  # all busy: drop the oldest half
            for key in sorted(self._tat, key=self._tat.__getitem__)[: len(self._tat) // 2]:
                del self._tat[key]


def retry_after_header(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))
