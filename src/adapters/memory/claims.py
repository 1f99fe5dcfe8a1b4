"""Claimed keys in a dict, each with the instant its claim lapses by the clock port."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from instagram_core.ports.clock import Clock

_SWEEP_EVERY = 1024  # granted claims between sweeps of lapsed keys, so memory stays bounded


class InMemoryClaimStore:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._held: dict[str, datetime] = {}
        self._claims = 0
        self._lock = threading.Lock()

    def claim(self, key: str, ttl_seconds: int) -> bool:
        if ttl_seconds < 1:
            raise ValueError("ttl_seconds must be at least 1")
        now = self._clock.now()
        with self._lock:
            until = self._held.get(key)
            if until is not None and until > now:
                return False  # a refused claim changes nothing, not even the sweep count
            self._claims += 1
            if self._claims % _SWEEP_EVERY == 0:
                self._held = {k: until for k, until in self._held.items() if until > now}
            self._held[key] = now + timedelta(seconds=ttl_seconds)
            return True

    def release(self, key: str) -> None:
        with self._lock:
            self._held.pop(key, None)

    def held_keys(self) -> int:
        """How many keys are kept, lapsed ones not yet swept included (for tests)."""
        with self._lock:
            return len(self._held)
