"""Affinities in memory: per viewer, decayed scores per author and per hashtag."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from instagram_adapters.memory.recent_ids import RecentIds
from instagram_core.domain.ranking import ViewerHistory
from instagram_core.policies.affinity import SEEN_FOR_SECONDS, decayed
from instagram_core.ports.affinity import EVENT_MEMORY_SECONDS

Score = tuple[float, datetime]


class InMemoryAffinityStore:
    def __init__(self) -> None:
        self._authors: dict[tuple[str, str], Score] = {}
        self._tags: dict[tuple[str, str], Score] = {}
        self._seen: dict[tuple[str, int], datetime] = {}
        self._events = RecentIds(timedelta(seconds=EVENT_MEMORY_SECONDS))
        self._lock = threading.Lock()

    def record(
        self,
        viewer_id: str,
        author_id: str,
        hashtags: Iterable[str],
        weight: float,
        at: datetime,
        event_id: str | None = None,
    ) -> None:
        with self._lock:
            if event_id is not None and not self._events.first_time((viewer_id, event_id), at):
                return
            _bump(self._authors, (viewer_id, author_id), weight, at)
            for tag in set(hashtags):
                _bump(self._tags, (viewer_id, tag), weight, at)

    def mark_seen(self, viewer_id: str, post_ids: Iterable[int], at: datetime) -> None:
        with self._lock:
            for post_id in post_ids:
                self._seen[(viewer_id, post_id)] = at

    def history(
        self,
        viewer_id: str,
        author_ids: Iterable[str],
        hashtags: Iterable[str],
        post_ids: Iterable[int],
        now: datetime,
    ) -> ViewerHistory:
        horizon = now - timedelta(seconds=SEEN_FOR_SECONDS)
        with self._lock:
            authors = _decayed(self._authors, viewer_id, author_ids, now)
            tags = _decayed(self._tags, viewer_id, hashtags, now)
            seen = frozenset(
                p for p in post_ids if self._seen.get((viewer_id, p), horizon) > horizon
            )
        return ViewerHistory(authors, tags, seen)


def _bump(
    scores: dict[tuple[str, str], Score], key: tuple[str, str], weight: float, at: datetime
) -> None:
    value, since = scores.get(key, (0.0, at))
    scores[key] = (decayed(value, since, at) + weight, at)


def _decayed(
    scores: dict[tuple[str, str], Score], viewer_id: str, keys: Iterable[str], now: datetime
) -> dict[str, float]:
    found = {}
    for key in set(keys):
        score = scores.get((viewer_id, key))
        if score is not None:
            found[key] = decayed(score[0], score[1], now)
    return found
