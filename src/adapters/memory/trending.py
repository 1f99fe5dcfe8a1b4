"""Trending tags in memory: one forward-decayed score table per UTC day."""

from __future__ import annotations

import heapq
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from instagram_adapters.memory.recent_ids import RecentIds
from instagram_core.policies.trending import WINDOW_DAYS, decayed, landmark, landmarks, weight_at


class InMemoryTrendingTags:
    def __init__(self) -> None:
        self._days: dict[datetime, dict[str, float]] = defaultdict(dict)
        self._uses = RecentIds(timedelta(days=WINDOW_DAYS))
        self._lock = threading.Lock()

    def bump(self, tags: Iterable[str], at: datetime, use_id: str | None = None) -> None:
        mark = landmark(at)
        weight = weight_at(at, mark)
        with self._lock:
            if use_id is not None and not self._uses.first_time(use_id, at):
                return
            day = self._days[mark]
            for tag in set(tags):
                day[tag] = day.get(tag, 0.0) + weight

    def top(self, limit: int, now: datetime) -> Sequence[tuple[str, float]]:
        if limit < 1:
            return []
        scores: dict[str, float] = defaultdict(float)
        with self._lock:
            kept = landmarks(now)
            for mark in [m for m in self._days if m not in kept]:
                del self._days[mark]
            for mark in kept:
                for tag, score in self._days.get(mark, {}).items():
                    scores[tag] += decayed(score, mark, now)
        return heapq.nlargest(limit, scores.items(), key=lambda item: (item[1], item[0]))
