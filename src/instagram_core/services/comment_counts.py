"""Comment counts kept per process under their posts' ``post:`` versions: the ranker reads
the count of each of a miss's ~500 candidates, and on Cassandra each is a point read of a
counter partition, the largest part of the production miss path (docs/feed-miss-path.md).

Kept as :class:`~instagram_core.services.post_rows.PostRows` keeps rows: a count is used
only under the version of its ``post:`` key read before the count was. Adding a comment
bumps that key after the write (``CommentService.add``), as deleting the post does, so the
next read after a comment takes the count from the store again. Entries expire after
:data:`TTL`, well inside the versions' retention; with the versions unreadable every count
comes from the store and nothing is kept."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Protocol

from instagram_core.domain.errors import Unavailable
from instagram_core.ports.change_versions import ChangeVersions
from instagram_core.ports.clock import Clock
from instagram_core.ports.comments import CommentStore
from instagram_core.services.freshness import post_key

MAX_POSTS = 50_000  # three ints each
TTL = timedelta(minutes=5)


class CommentCounts(Protocol):
    """What the ranker and the post views read of the comments: :meth:`CommentStore.counts`,
    or :class:`KeptCommentCounts` over it."""

    def counts(self, post_ids: Iterable[int]) -> Mapping[int, int]: ...


class KeptCommentCounts:
    """``counts`` of a :class:`CommentStore`, read through a per-process cache. Oldest
    stored first out past ``max_posts``. Thread-safe."""

    def __init__(
        self,
        comments: CommentStore,
        versions: ChangeVersions,
        clock: Clock,
        ttl: timedelta = TTL,
        max_posts: int = MAX_POSTS,
    ) -> None:
        self._comments = comments
        self._versions = versions
        self._clock = clock
        self._ttl = ttl.total_seconds()
        self._max = max_posts
        self._kept: dict[int, tuple[int, float, int]] = {}  # version, expiry, count
        self._lock = threading.Lock()

    def counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        """The comment count of each of ``post_ids`` (0 for none): the store's answer at
        this moment (or a moment after the call began)."""
        ids = list(dict.fromkeys(post_ids))
        try:
            versions = self._versions.read([post_key(i) for i in ids])
        except Unavailable:
            return self._comments.counts(ids)
        now = self._clock.now().timestamp()
        found: dict[int, int] = {}
        missing: dict[int, int] = {}
        kept = self._kept
        for post_id, version in zip(ids, versions, strict=True):
            entry = kept.get(post_id)
            if entry is not None and entry[0] == version and entry[1] > now:
                found[post_id] = entry[2]
            else:
                missing[post_id] = version
        if missing:
            read = self._comments.counts(missing)
            found.update(read)
            self._keep([(i, missing[i], read.get(i, 0)) for i in missing], now + self._ttl)
        return found

    def _keep(self, counts: list[tuple[int, int, int]], expires: float) -> None:
        with self._lock:
            kept = self._kept
            for post_id, version, count in counts:
                kept.pop(post_id, None)  # to the back: stored last, out last
                kept[post_id] = (version, expires, count)
            while len(kept) > self._max:
                del kept[next(iter(kept))]

    def __len__(self) -> int:
        return len(self._kept)
