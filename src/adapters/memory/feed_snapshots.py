"""Ranked feed snapshots in memory, expiring by the clock port like Redis keys would."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from instagram_core.ports.clock import Clock


class InMemoryFeedSnapshots:
    def __init__(self, clock: Clock, max_snapshots: int = 100_000) -> None:
        self._clock = clock
        self._max = max_snapshots
        self._snapshots: dict[tuple[str, str], tuple[tuple[int, ...], int, datetime]] = {}
        self._lock = threading.Lock()

    def save(self, viewer_id: str, snapshot_id: str, post_ids: Sequence[int], ttl: int) -> None:
        expires = self._clock.now() + timedelta(seconds=ttl)
        with self._lock:
            if len(self._snapshots) >= self._max:
                self._evict_expired()
            self._snapshots[(viewer_id, snapshot_id)] = (tuple(post_ids), ttl, expires)

    def load(
        self, viewer_id: str, snapshot_id: str, offset: int, limit: int
    ) -> Sequence[int] | None:
        now = self._clock.now()
        with self._lock:
            found = self._snapshots.get((viewer_id, snapshot_id))
            if found is None or found[2] <= now:
                self._snapshots.pop((viewer_id, snapshot_id), None)
                return None
            ids, ttl, _ = found
            self._snapshots[(viewer_id, snapshot_id)] = (ids, ttl, now + timedelta(seconds=ttl))
            return list(ids[max(offset, 0) : max(offset, 0) + max(limit, 0)])

    def _evict_expired(self) -> None:
        """Bound memory: drop expired snapshots, then the oldest if still full."""
        now = self._clock.now()
        for key in [k for k, v in self._snapshots.items() if v[2] <= now]:
            del self._snapshots[key]
        while len(self._snapshots) >= self._max:
            del self._snapshots[next(iter(self._snapshots))]
