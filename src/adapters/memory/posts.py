"""Posts in process memory, with the profile-grid and status indexes the SQL store has.

Every index is a list kept sorted with :mod:`bisect`, so the grid is a slice, not a scan.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from instagram_adapters.keyset import to_micros
from instagram_adapters.memory.sorted_lists import discard_sorted
from instagram_core.domain.errors import Conflict, NotFound
from instagram_core.domain.posts import Post, PostStatus


class InMemoryPostStore:
    """A :class:`~instagram_core.ports.PostStore` with sorted indexes under one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._posts: dict[int, Post] = {}
        self._grid: defaultdict[str, list[int]] = defaultdict(list)
        self._published_grid: defaultdict[str, list[int]] = defaultdict(list)
        self._by_status: defaultdict[PostStatus, list[tuple[int, int]]] = defaultdict(list)

    def add(self, post: Post) -> None:
        with self._lock:
            if post.post_id in self._posts:
                raise Conflict("post id already exists")
            self._store(post, to_micros(post.created_at))

    def get(self, post_id: int) -> Post | None:
        with self._lock:
            return self._posts.get(post_id)

    def get_many(self, post_ids: Iterable[int]) -> Mapping[int, Post]:
        with self._lock:
            return {pid: self._posts[pid] for pid in post_ids if pid in self._posts}

    def update(self, post: Post) -> None:
        with self._lock:
            if post.post_id not in self._posts:
                raise NotFound("post not found")
            created = to_micros(post.created_at)  # may raise: check before touching anything
            self._drop(post.post_id)
            self._store(post, created)

    def delete(self, post_id: int) -> Post | None:
        with self._lock:
            return self._drop(post_id) if post_id in self._posts else None

    def by_author(
        self, author_id: str, before: int | None, limit: int, published_only: bool
    ) -> Sequence[Post]:
        if limit < 1:
            return []
        with self._lock:
            grid = self._published_grid if published_only else self._grid
            ids = grid.get(author_id, [])
            end = len(ids) if before is None else bisect.bisect_left(ids, before)
            return [self._posts[pid] for pid in reversed(ids[max(0, end - limit) : end])]

    def by_status(self, status: PostStatus, limit: int) -> Sequence[Post]:
        """Oldest by ``created_at`` first, ties broken by post id."""
        if limit < 1:
            return []
        with self._lock:
            keys = self._by_status.get(status, [])[:limit]
            return [self._posts[pid] for _, pid in keys]

    def count_published(self, author_id: str) -> int:
        with self._lock:
            return len(self._published_grid.get(author_id, []))

    def _store(self, post: Post, created: int) -> None:
        self._posts[post.post_id] = post
        bisect.insort(self._grid[post.author_id], post.post_id)
        if post.status == PostStatus.PUBLISHED:
            bisect.insort(self._published_grid[post.author_id], post.post_id)
        bisect.insort(self._by_status[post.status], (created, post.post_id))

    def _drop(self, post_id: int) -> Post:
        post = self._posts.pop(post_id)
        discard_sorted(self._grid[post.author_id], post_id)
        discard_sorted(self._published_grid[post.author_id], post_id)
        discard_sorted(self._by_status[post.status], (to_micros(post.created_at), post_id))
        return post
