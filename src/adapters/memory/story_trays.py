"""Story trays in memory, expiring by the clock port like the Redis keys they stand for."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from instagram_core.ports.clock import Clock


class InMemoryStoryTrayCache:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._trays: dict[str, tuple[dict[str, datetime], datetime]] = {}
        self._lock = threading.Lock()

    def get(self, viewer_id: str, live_at: datetime | None = None) -> Mapping[str, datetime] | None:
        with self._lock:
            tray = self._live(viewer_id)
            if tray is None:
                return None
            return {a: until for a, until in tray[0].items() if live_at is None or until > live_at}

    def put(self, viewer_id: str, latest: Mapping[str, datetime], ttl_seconds: int) -> None:
        expires = self._clock.now() + timedelta(seconds=ttl_seconds)
        with self._lock:
            self._trays[viewer_id] = (dict(latest), expires)

    def touch(self, viewer_ids: Iterable[str], author_id: str, at: datetime) -> None:
        with self._lock:
            for viewer_id in viewer_ids:
                tray = self._live(viewer_id)
                if tray is not None and tray[0].get(author_id, at) <= at:
                    tray[0][author_id] = at

    def forget(self, viewer_ids: Iterable[str]) -> None:
        with self._lock:
            for viewer_id in viewer_ids:
                self._trays.pop(viewer_id, None)

    def _live(self, viewer_id: str) -> tuple[dict[str, datetime], datetime] | None:
        tray = self._trays.get(viewer_id)
        if tray is not None and tray[1] <= self._clock.now():
            del self._trays[viewer_id]
            return None
        return tray
