"""Home feeds held in process memory: the embedded stand-in for Redis sorted sets."""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from instagram_adapters.memory.sorted_lists import discard_sorted
from instagram_core.ports.clock import Clock
from instagram_core.ports.feed_cache import FEED_CAPACITY


class InMemoryFeedCache:
    """Per user, an ascending list of post ids kept sorted with :mod:`bisect`.

    Capacity bounds each list, so an insert costs O(log n + capacity) at worst and an id
    older than a full feed's oldest entry is skipped without touching the list. One lock
    guards every feed: each call is atomic, and a fan-out to many users takes it once.
    A feed exists from its :meth:`add_many` (the rebuild) until :meth:`drop`, or until it
    goes unread for ``idle_ttl_seconds`` by ``clock`` (both or neither must be given).
    """

    marks_changes = False  # the core's TrackedFeedCache marks each write

    def __init__(
        self,
        capacity: int = FEED_CAPACITY,
        clock: Clock | None = None,
        idle_ttl_seconds: int | None = None,
    ) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        if (clock is None) != (idle_ttl_seconds is None):
            raise ValueError("give both a clock and idle_ttl_seconds, or neither")
        self._capacity = capacity
        self._clock = clock
        self._ttl = timedelta(seconds=idle_ttl_seconds or 0)
        self._feeds: dict[str, list[int]] = {}
        self._expires: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def add(self, user_ids: Iterable[str], post_id: int) -> None:
        """Only feeds that are present change; an absent one stays absent.

        Creating it would hold just this post, read as present, and so hide every older
        post from the user: the rebuild its absence asks for would never run."""
        with self._lock:
            for user_id in user_ids:
                feed = self._live(user_id)
                if feed is not None:
                    self._insert(feed, post_id)

    def add_many(self, user_id: str, post_ids: Iterable[int]) -> None:
        with self._lock:
            feed = self._live(user_id)
            if feed is None:
                feed = self._feeds[user_id] = []
            self._renew(user_id)
            for post_id in post_ids:
                self._insert(feed, post_id)

    def remove(self, user_ids: Iterable[str], post_ids: Iterable[int]) -> None:
        doomed = list(post_ids)
        with self._lock:
            for user_id in user_ids:
                feed = self._live(user_id)
                if feed is None:
                    continue
                for post_id in doomed:
                    discard_sorted(feed, post_id)

    def page(self, user_id: str, before: int | None, limit: int) -> Sequence[int] | None:
        """See the port; a ``limit`` of zero or less gives an empty page of a present feed."""
        with self._lock:
            feed = self._live(user_id)
            if feed is None:
                return None
            self._renew(user_id)
            end = len(feed) if before is None else bisect_left(feed, before)
            start = max(0, end - max(limit, 0))
            return feed[start:end][::-1]

    def drop(self, user_id: str) -> None:
        with self._lock:
            self._feeds.pop(user_id, None)
            self._expires.pop(user_id, None)

    def _live(self, user_id: str) -> list[int] | None:
        """The user's feed, unless it went unread past its idle expiry (then it is gone)."""
        expires = self._expires.get(user_id)
        if expires is not None and self._clock is not None and expires <= self._clock.now():
            del self._feeds[user_id], self._expires[user_id]
        return self._feeds.get(user_id)

    def _renew(self, user_id: str) -> None:
        if self._clock is not None:
            self._expires[user_id] = self._clock.now() + self._ttl

    def _insert(self, feed: list[int], post_id: int) -> None:
        if len(feed) >= self._capacity and post_id < feed[0]:
            return  # older than everything a full feed keeps: it would be trimmed at once
        index = bisect_left(feed, post_id)
        if index < len(feed) and feed[index] == post_id:
            return
        feed.insert(index, post_id)
        if len(feed) > self._capacity:
            del feed[0]
