"""Event ids remembered for a while: how an in-memory store counts a redelivered event once."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta


class RecentIds:
    """Ids seen within ``ttl`` of the latest moment given. Not thread-safe: the store that
    owns it calls it under its own lock, with the write it guards."""

    def __init__(self, ttl: timedelta) -> None:
        self._ttl = ttl
        self._seen: dict[Hashable, datetime] = {}  # insertion order: roughly oldest first

    def first_time(self, event_id: Hashable, at: datetime) -> bool:
        """Remember ``event_id`` at ``at``; False if it was seen within ``ttl`` before."""
        horizon = at - self._ttl
        while self._seen:
            oldest = next(iter(self._seen))
            if self._seen[oldest] > horizon:
                break
            del self._seen[oldest]
        seen = self._seen.get(event_id)
        if seen is not None and seen > horizon:
            return False
        self._seen.pop(event_id, None)
        self._seen[event_id] = at
        return True
