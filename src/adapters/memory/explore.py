"""Explore's stores in memory: the log as a list, neighbours and trending as dicts."""

from __future__ import annotations

import bisect
import heapq
import itertools
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from instagram_adapters.memory.recent_ids import RecentIds
from instagram_core.ports.explore import LOG_RETENTION, SEEN_RETENTION, Engagement, Neighbours

USER_KEPT = 500  # per user, for ``recent_by``: more than Explore reads (as in Redis)


class InMemoryExploreStore:
    def __init__(self) -> None:
        self._log: list[Engagement] = []  # ordered by ``at``
        self._times: list[datetime] = []  # the log's ``at``s, for bisect
        self._by_user: dict[str, list[Engagement]] = {}  # each ordered by ``at``, capped
        self._events = RecentIds(LOG_RETENTION)
        self._neighbours: dict[int, tuple[tuple[int, float], ...]] = {}
        self._trending: tuple[tuple[int, float], ...] = ()
        self._seen: dict[str, dict[int, datetime]] = {}
        self._built: datetime | None = None
        self._lock = threading.Lock()

    def record(self, engagement: Engagement, event_id: str) -> bool:
        with self._lock:
            if not self._events.first_time(event_id, engagement.at):
                return False
            at = bisect.bisect_right(self._times, engagement.at)
            self._log.insert(at, engagement)
            self._times.insert(at, engagement.at)
            mine = self._by_user.setdefault(engagement.user_id, [])
            bisect.insort(mine, engagement, key=lambda e: e.at)
            del mine[:-USER_KEPT]
            cut = bisect.bisect_left(self._times, engagement.at - LOG_RETENTION)
            if cut:
                del self._log[:cut], self._times[:cut]
            return True

    def window(self, since: datetime) -> Sequence[Engagement]:
        with self._lock:
            return self._log[bisect.bisect_left(self._times, since) :]

    def recent_by(self, user_ids: Collection[str], limit: int) -> Sequence[Engagement]:
        with self._lock:
            lists = [reversed(self._by_user.get(user, [])) for user in set(user_ids)]
            merged = heapq.merge(*lists, key=lambda e: e.at, reverse=True)
            return list(itertools.islice(merged, max(limit, 0)))

    def forget_post(self, post_id: int) -> None:
        with self._lock:
            kept = [i for i, e in enumerate(self._log) if e.post_id != post_id]
            self._log = [self._log[i] for i in kept]
            self._times = [self._times[i] for i in kept]
            for user, mine in self._by_user.items():
                self._by_user[user] = [e for e in mine if e.post_id != post_id]
            self._neighbours.pop(post_id, None)
            for key, items in list(self._neighbours.items()):
                if any(other == post_id for other, _ in items):
                    self._neighbours[key] = tuple(i for i in items if i[0] != post_id)
            self._trending = tuple(i for i in self._trending if i[0] != post_id)

    def put_neighbours(self, neighbours: Mapping[int, Neighbours]) -> None:
        with self._lock:
            for post_id, items in neighbours.items():
                if items:
                    self._neighbours[post_id] = _ordered(items)
                else:
                    self._neighbours.pop(post_id, None)

    def neighbours(self, post_ids: Iterable[int], per_post: int) -> Mapping[int, Neighbours]:
        with self._lock:
            return {
                post_id: list(self._neighbours[post_id][:per_post])
                for post_id in post_ids
                if self._neighbours.get(post_id) and per_post > 0
            }

    def put_trending(self, ranked: Neighbours) -> None:
        with self._lock:
            self._trending = _ordered(ranked)

    def trending(self, limit: int) -> Neighbours:
        with self._lock:
            return list(self._trending[: max(limit, 0)])

    def mark_seen(self, viewer_id: str, post_ids: Iterable[int], at: datetime) -> None:
        with self._lock:
            seen = self._seen.setdefault(viewer_id, {})
            horizon = at - SEEN_RETENTION
            for post_id in [p for p, when in seen.items() if when < horizon]:
                del seen[post_id]  # older than any question asked from now on
            for post_id in post_ids:
                seen[post_id] = max(at, seen.get(post_id, at))

    def seen_since(self, viewer_id: str, since: datetime) -> set[int]:
        with self._lock:
            return {p for p, at in self._seen.get(viewer_id, {}).items() if at >= since}

    def last_build(self) -> datetime | None:
        with self._lock:
            return self._built

    def set_last_build(self, at: datetime) -> None:
        with self._lock:
            self._built = at


def _ordered(items: Neighbours) -> tuple[tuple[int, float], ...]:
    return tuple(sorted(items, key=lambda item: (-item[1], -item[0])))
