"""Post rows kept per process under their ``post:`` versions: a feed miss reads its ~500
candidates by id, and most of them are the same rows every follower of their authors
reads; decoding them from the store again on each miss was the largest part of a first
page over SQLite (docs/feed-miss-path.md).

A row is used only under the version of its ``post:`` key read before the row was, the
version the page cache checks too (``services.freshness``): publishing, deleting, a like
or a comment bumps it, and the next read takes the row from the store again. Rows expire
after :data:`TTL`, well inside the change versions' retention, so a version forgotten by
the store (read as 0 again) cannot vouch for an old row. When the versions cannot be read
(their store is down) every row comes from the store and nothing is kept.

The ranker's facts about a row are kept with it (:meth:`PostRows.facts`), those the row
itself does not hold (its like and comment counts, its first media's type) included: a
like or a comment bumps the same version, so they are as current as the row. They are read after
the version was, so a change they miss shows as a changed version on the next read."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import timedelta

from instagram_core.domain.errors import Unavailable
from instagram_core.domain.posts import Post
from instagram_core.ports.change_versions import ChangeVersions
from instagram_core.ports.clock import Clock
from instagram_core.ports.posts import PostStore
from instagram_core.services.freshness import post_keys

MAX_POSTS = 20_000  # tens of MB: a few thousand viewers' candidates overlap a lot
TTL = timedelta(minutes=5)

# What a ranker reads about one post: id, author, published at (epoch microseconds), likes,
# comments, first media a video, media count, hashtags, has a location. A tuple, so that a
# page's worth becomes columns in one ``zip``.
RowFacts = tuple[int, str, int, int, int, bool, int, tuple[str, ...], bool]
# Version, expiry (epoch seconds), row, and its facts once a ranker has read them.
_Entry = tuple[int, float, Post, RowFacts | None]


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
            versions = self._versions.read(post_keys(ids))
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
                kept[post.post_id] = (version, expires, post, None)
            while len(kept) > self._max:
                del kept[next(iter(kept))]

    def facts(
        self, posts: Sequence[Post], read: Callable[[Sequence[Post]], list[RowFacts]]
    ) -> list[RowFacts]:
        """The facts of each of ``posts``, in order: kept ones where the row kept is that
        very post (read by :meth:`get_many` under its current version), the rest by
        ``read`` (one batch) and kept with their rows."""
        rows = self._rows
        kept: dict[int, RowFacts] = {}
        missing: list[Post] = []
        for post in posts:
            entry = rows.get(post.post_id)
            if entry is not None and entry[2] is post and entry[3] is not None:
                kept[post.post_id] = entry[3]
            else:
                missing.append(post)
        if missing:
            read_now = read(missing)
            with self._lock:
                for post, facts in zip(missing, read_now, strict=True):
                    kept[post.post_id] = facts
                    entry = rows.get(post.post_id)
                    if entry is not None and entry[2] is post:
                        rows[post.post_id] = (entry[0], entry[1], post, facts)
        return [kept[p.post_id] for p in posts]

    def __len__(self) -> int:
        return len(self._rows)
