"""Likes and saves held in process memory.

A post's like count is the size of its liker set, so the counter cannot drift from the set the
way two separate Redis keys could; one lock makes check-and-set and count a single step.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping


class InMemoryEngagementStore:
    """The :class:`~instagram_core.ports.EngagementStore` of tests and the embedded profile."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._likers: dict[int, set[str]] = {}
        # Saves are keyed by post, like likes, so forgetting a post is one deletion.
        self._savers: dict[int, set[str]] = {}

    def like(self, post_id: int, user_id: str) -> tuple[bool, int]:
        with self._lock:
            likers = self._likers.setdefault(post_id, set())
            added = user_id not in likers
            likers.add(user_id)
            return added, len(likers)

    def unlike(self, post_id: int, user_id: str) -> tuple[bool, int]:
        with self._lock:
            likers = self._likers.get(post_id, set())
            removed = user_id in likers
            likers.discard(user_id)
            if not likers:
                self._likers.pop(post_id, None)
            return removed, len(likers)

    def like_counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        with self._lock:
            return {post_id: len(self._likers.get(post_id, ())) for post_id in post_ids}

    def liked_by(self, user_id: str, post_ids: Iterable[int]) -> set[int]:
        with self._lock:
            return {post_id for post_id in post_ids if user_id in self._likers.get(post_id, ())}

    def save(self, user_id: str, post_id: int) -> bool:
        with self._lock:
            savers = self._savers.setdefault(post_id, set())
            added = user_id not in savers
            savers.add(user_id)
            return added

    def unsave(self, user_id: str, post_id: int) -> bool:
        with self._lock:
            savers = self._savers.get(post_id, set())
            removed = user_id in savers
            savers.discard(user_id)
            if not savers:
                self._savers.pop(post_id, None)
            return removed

    def saved_by(self, user_id: str, post_ids: Iterable[int]) -> set[int]:
        with self._lock:
            return {post_id for post_id in post_ids if user_id in self._savers.get(post_id, ())}

    def forget_post(self, post_id: int) -> None:
        with self._lock:
            self._likers.pop(post_id, None)
            self._savers.pop(post_id, None)
