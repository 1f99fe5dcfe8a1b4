from __future__ import annotations

from typing import Protocol

import attrs


@attrs.frozen
class RateDecision:
    allowed: bool
    remaining: int
    retry_after: float  # seconds until the next attempt can succeed; 0 when allowed


class RateLimiter(Protocol):
    def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        """Count one attempt for ``key`` in a sliding window. At most ``limit`` attempts are
        allowed in any window of ``window_seconds``; a refused attempt is not counted. Atomic
        under concurrency."""
        ...
