"""A sliding-window-log rate limiter in process memory."""

from __future__ import annotations

import threading
from collections import deque

import attrs

from instagram_adapters.keyset import to_micros
from instagram_core.ports.clock import Clock
from instagram_core.ports.rate_limit import RateDecision

_US_PER_SECOND = 1_000_000


@attrs.define
class _Log:
    """Times (integer microseconds, exact) of the counted attempts of one key, oldest first."""

    window_us: int
    times: deque[int] = attrs.field(factory=deque)

    def forget_before(self, now_us: int) -> None:
        while self.times and self.times[0] <= now_us - self.window_us:
            self.times.popleft()


class InMemoryRateLimiter:
    """Exact limits: a log of counted attempts per key, time taken from the clock port.

    An attempt at ``t`` counts against every window ``[s, s + window)`` containing it and
    stops counting at ``t + window_seconds`` exactly. Refused attempts are not logged, so
    a client hammering a closed window does not extend its own ban. Keys whose log has
    emptied are pruned in an amortised sweep, so memory follows the active keys only.
    ``limit`` below 1 or ``window_seconds`` below 1 raise ``ValueError``.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._logs: dict[str, _Log] = {}
        self._lock = threading.Lock()
        self._hits_since_sweep = 0

    def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        if limit < 1 or window_seconds < 1:
            raise ValueError("limit and window_seconds must be at least 1")
        window_us = window_seconds * _US_PER_SECOND
        with self._lock:
            now_us = to_micros(self._clock.now())
            self._maybe_sweep(now_us)
            log = self._logs.setdefault(key, _Log(window_us))
            log.window_us = window_us
            log.forget_before(now_us)
            if len(log.times) >= limit:
                wait_us = log.times[-limit] + window_us - now_us
                return RateDecision(allowed=False, remaining=0, retry_after=wait_us / 1e6)
            log.times.append(now_us)
            return RateDecision(allowed=True, remaining=limit - len(log.times), retry_after=0.0)

    def tracked_keys(self) -> int:
        """How many keys hold counted attempts (after the last sweep): for tests and metrics."""
        with self._lock:
            return len(self._logs)

    def _maybe_sweep(self, now_us: int) -> None:
        """Drop keys with no live attempt once per ``len(keys)`` hits: O(1) amortised."""
        self._hits_since_sweep += 1
        if self._hits_since_sweep < len(self._logs):
            return
        self._hits_since_sweep = 0
        for key in list(self._logs):
            log = self._logs[key]
            log.forget_before(now_us)
            if not log.times:
                del self._logs[key]
