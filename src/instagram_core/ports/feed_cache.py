from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

FEED_CAPACITY = 500


class FeedCache(Protocol):
    """Precomputed home feeds: per user, a set of post ids ordered by id (time), newest
    first, showing at most :data:`FEED_CAPACITY` entries: the oldest are trimmed (an adapter
    may store a few more and trim lazily, if no read and no later write can tell).

    A cache, not a source of truth: entries may point at posts that were since deleted, and
    a lost feed is rebuilt from the graph and the post store. Adapters may expire a feed that
    goes unread for a configured idle time: fan-out then skips that inactive follower (an
    absent feed gets no pushes) and the next read rebuilds it. Reads (:meth:`page`) and
    rebuilds (:meth:`add_many`) renew the idle time; pushes do not.

    ``marks_changes``: whether every write also marks the feeds it touched changed (their
    :func:`~instagram_core.services.freshness.feed_key` bumped in the service's
    :class:`~instagram_core.ports.ChangeVersions`), in the write's own round trip; if not,
    the core marks them after each write."""

    marks_changes: bool

    def add(self, user_ids: Iterable[str], post_id: int) -> None:
        """Insert ``post_id`` into the feed of every user in ``user_ids`` whose feed is present
        in the cache, in as few round trips as the engine allows. Absent feeds are skipped: a
        partial feed would hide older posts, and the next read rebuilds them whole. Adding an
        entry that is present changes nothing (idempotent); a feed over capacity loses its
        oldest entries."""
        ...

    def add_many(self, user_id: str, post_ids: Iterable[int]) -> None:
        """Insert several posts into one user's feed (backfill after a follow or a rebuild),
        with the same idempotency and trimming as :meth:`add`. Marks the feed as present even
        when ``post_ids`` is empty."""
        ...

    def remove(self, user_ids: Iterable[str], post_ids: Iterable[int]) -> None:
        """Remove each of ``post_ids`` from each feed in ``user_ids``; absent entries are
        ignored."""
        ...

    def page(self, user_id: str, before: int | None, limit: int) -> Sequence[int] | None:
        """Up to ``limit`` post ids below ``before`` (from the top if ``None``), newest first.
        ``None`` when this user has no feed in the cache (never built, expired or lost): the
        caller must rebuild it."""
        ...

    def drop(self, user_id: str) -> None:
        """Forget a user's feed so the next read rebuilds it; a no-op if there is none."""
        ...
