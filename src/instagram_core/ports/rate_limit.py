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

    def peek(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        """What :meth:`hit` would decide now, counting nothing: for a rule read before an
        outcome is known (whether a client logged in recently), not for enforcing a limit,
        which only :meth:`hit` does atomically. ``remaining`` counts this attempt as not
        yet made (``limit`` for an unseen key)."""
        ...
