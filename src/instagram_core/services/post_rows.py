"""Post rows kept per process under their ``post:`` versions: a feed miss reads its ~500
candidates by id, and most of them are the same rows every follower of their authors
reads; decoding them from the store again on each miss was the largest part of a first
page over SQLite (docs/feed-miss-path.md).

A row is used only under the version of its ``post:`` key read before the row was, the
version the page cache checks too (``services.freshness``): publishing, deleting, a like
or a comment bumps it, and the next read takes the row from the store again. Rows expire
after :data:`TTL`, well inside the change versions' retention, so a version forgotten by
the store (read as 0 again) cannot vouch for an old row. When the versions cannot be read
(their store is down) every row comes from the store and nothing is kept."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from datetime import timedelta

from instagram_core.domain.errors import Unavailable
from instagram_core.domain.posts import Post
from instagram_core.ports.change_versions import ChangeVersions
from instagram_core.ports.clock import Clock
from instagram_core.ports.posts import PostStore
from instagram_core.services.freshness import post_key

MAX_POSTS = 20_000  # tens of MB: a few thousand viewers' candidates overlap a lot
TTL = timedelta(minutes=5)

_Entry = tuple[int, float, Post]  # version, expiry (epoch seconds), row


class PostRows:
    """``get_many`` of a :class:`PostStore`, read through a per-process cache. Oldest
    stored first out past ``max_posts``. Thread-safe."""

    def __init__(
        self,
        posts: PostStore,
        versions: ChangeVersions,
        clock: Clock,
        ttl: timedelta = TTL,
        max_posts: int = MAX_POSTS,
    ) -> None:
        self._posts = posts
        self._versions = versions
        self._clock = clock
        self._ttl = ttl.total_seconds()
        self._max = max_posts
        self._rows: dict[int, _Entry] = {}
        self._lock = threading.Lock()

    def get_many(self, post_ids: Iterable[int]) -> Mapping[int, Post]:
        """The posts that exist among ``post_ids``, keyed by id: the store's answer at
        this moment (or a moment after the call began)."""
        ids = list(dict.fromkeys(post_ids))
        try:
            versions = self._versions.read([post_key(i) for i in ids])
        except Unavailable:
            return self._posts.get_many(ids)
        now = self._clock.now().timestamp()
        found: dict[int, Post] = {}
        missing: dict[int, int] = {}
        rows = self._rows
        for post_id, version in zip(ids, versions, strict=True):
            entry = rows.get(post_id)
            if entry is not None and entry[0] == version and entry[1] > now:
                found[post_id] = entry[2]
            else:
                missing[post_id] = version
        if missing:
            read = self._posts.get_many(missing)
            found.update(read)
            self._keep([(missing[i], post) for i, post in read.items()], now + self._ttl)
        return found

    def _keep(self, rows: list[tuple[int, Post]], expires: float) -> None:
        if not rows:
            return
        with self._lock:
            kept = self._rows
            for version, post in rows:
                kept.pop(post.post_id, None)  # to the back: stored last, out last
                kept[post.post_id] = (version, expires, post)
            while len(kept) > self._max:
                del kept[next(iter(kept))]

    def __len__(self) -> int:
        return len(self._rows)
