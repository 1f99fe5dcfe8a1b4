"""Story trays in memory, expiring by the clock port like the Redis keys they stand for."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TypeVar

import attrs

from instagram_core.ports.clock import Clock
from instagram_core.ports.story_trays import CachedTray

_K = TypeVar("_K")


@attrs.define
class _Entry:
    """One viewer's key: ``leaving`` is ``None`` while it holds seen marks only (no tray)."""

    leaving: dict[str, datetime] | None
    seen: dict[int, datetime]
    expires: datetime


class InMemoryStoryTrayCache:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._trays: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, viewer_id: str, live_at: datetime | None = None) -> CachedTray | None:
        with self._lock:
            entry = self._live(viewer_id)
            if entry is None or entry.leaving is None:
                return None
            return CachedTray(_after(entry.leaving, live_at), _after(entry.seen, live_at))

    def put(self, viewer_id: str, tray: CachedTray, ttl_seconds: int, live_at: datetime) -> None:
        expires = self._clock.now() + timedelta(seconds=ttl_seconds)
        with self._lock:
            old = self._live(viewer_id)
            kept = _after(old.seen, live_at) if old is not None else {}
            if ttl_seconds <= 0:
                self._trays.pop(viewer_id, None)
                return
            self._trays[viewer_id] = _Entry(dict(tray.leaving), kept | dict(tray.seen), expires)

    def touch(self, viewer_ids: Iterable[str], author_id: str, at: datetime) -> None:
        with self._lock:
            for viewer_id in viewer_ids:
                entry = self._live(viewer_id)
                leaving = entry.leaving if entry is not None else None
                if leaving is not None and leaving.get(author_id, at) <= at:
                    leaving[author_id] = at

    def mark_seen(self, viewer_id: str, story_id: int, until: datetime, ttl_seconds: int) -> None:
        with self._lock:
            entry = self._live(viewer_id)
            if entry is None:
                if ttl_seconds <= 0:
                    return
                expires = self._clock.now() + timedelta(seconds=ttl_seconds)
                entry = self._trays[viewer_id] = _Entry(None, {}, expires)
            entry.seen[story_id] = until

    def forget(self, viewer_ids: Iterable[str]) -> None:
        with self._lock:
            for viewer_id in viewer_ids:
                entry = self._live(viewer_id)
                if entry is not None and entry.seen:
                    entry.leaving = None  # marks alone, as in Redis
                elif entry is not None:
                    del self._trays[viewer_id]  # Redis deletes an empty sorted set

    def _live(self, viewer_id: str) -> _Entry | None:
        entry = self._trays.get(viewer_id)
        if entry is not None and entry.expires <= self._clock.now():
            del self._trays[viewer_id]
            return None
        return entry


def _after(entries: dict[_K, datetime], live_at: datetime | None) -> dict[_K, datetime]:
    return {k: until for k, until in entries.items() if live_at is None or until > live_at}
