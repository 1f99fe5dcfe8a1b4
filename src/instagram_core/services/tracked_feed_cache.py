"""A feed cache that marks every feed it writes as changed, so no writer (fan-out, backfill,
pruning, rebuild) can forget to: cached feed pages then never outlive a change of ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from instagram_core.ports.feed_cache import FeedCache
from instagram_core.services.freshness import Freshness, feed_key


class TrackedFeedCache:
    """Wraps any :class:`FeedCache`; reads pass straight through. Marks follow each write,
    as the freshness protocol requires, unless the inner cache makes them itself with the
    write (``marks_changes``, the Redis adapter: one round trip instead of two)."""

    marks_changes = True

    def __init__(self, inner: FeedCache, freshness: Freshness) -> None:
        self._inner = inner
        self._freshness = freshness
        self._marks = not inner.marks_changes

    def _changed(self, users: Iterable[str]) -> None:
        if self._marks:
            self._freshness.changed(feed_key(user) for user in users)

    def add(self, user_ids: Iterable[str], post_id: int) -> None:
        users = list(user_ids)
        self._inner.add(users, post_id)
        self._changed(users)

    def add_many(self, user_id: str, post_ids: Iterable[int]) -> None:
        self._inner.add_many(user_id, post_ids)
        self._changed([user_id])

    def remove(self, user_ids: Iterable[str], post_ids: Iterable[int]) -> None:
        users = list(user_ids)
        self._inner.remove(users, post_ids)
        self._changed(users)

    def page(self, user_id: str, before: int | None, limit: int) -> Sequence[int] | None:
        return self._inner.page(user_id, before, limit)

    def drop(self, user_id: str) -> None:
        self._inner.drop(user_id)
        self._changed([user_id])
