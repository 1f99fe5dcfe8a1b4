"""Pages of home feeds, kept encoded and answered again while the read they came from is
current: a pull-to-refresh with nothing new costs a version check, not a ranking, a
hydration of fifty posts and 200 KB of JSON encoding."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

import attrs

from instagram_core.services.freshness import ReadStamp

_Key = tuple[str, str, int]  # viewer, cursor ("" for the first page), page size


@attrs.frozen
class _Entry:
    stamp: ReadStamp
    body: bytes
    expires_at: float


class FeedPageCache:
    """Per process, least recently used first out, bounded by bytes.

    Correctness does not rest on expiry: an entry is answered only while
    ``is_current(stamp)`` holds, which covers every post, author, feed id and tie of the
    viewer that the page was read from. The TTL bounds what versions cannot see: ranking
    drift (recency, engagement velocity of posts on other viewers' pages) and an author
    growing past the celebrity threshold. Entries are kept per viewer, cursor ("" for the
    first page) and page size."""

    def __init__(
        self,
        ttl_seconds: float,
        max_bytes: int,
        now: Callable[[], float] = time.monotonic,
        check_on_loop: bool = True,
    ) -> None:
        # Whether a lookup may run on the event loop: true while versions are in process
        # memory; a check that is a network round trip (Redis) belongs in the thread pool,
        # or a slow server would stall every request of the process.
        self.check_on_loop = check_on_loop
        self._ttl = ttl_seconds
        self._max_bytes = max_bytes
        self._now = now
        self._entries: OrderedDict[_Key, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._ttl > 0 and self._max_bytes > 0

    def get(
        self,
        viewer_id: str,
        cursor: str | None,
        limit: int,
        is_current: Callable[[ReadStamp], bool],
    ) -> bytes | None:
        key = (viewer_id, cursor or "", limit)
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= self._now() or not is_current(entry.stamp):
            self._discard(key, entry)
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry.body

    def put(
        self, viewer_id: str, cursor: str | None, limit: int, stamp: ReadStamp, body: bytes
    ) -> None:
        if not self.enabled or len(body) > self._max_bytes:
            return
        key = (viewer_id, cursor or "", limit)
        entry = _Entry(stamp, body, self._now() + self._ttl)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += len(body)
            while self._bytes > self._max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def _discard(self, key: _Key, entry: _Entry) -> None:
        with self._lock:
            if self._entries.get(key) is entry:
                del self._entries[key]
                self._bytes -= len(entry.body)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes
