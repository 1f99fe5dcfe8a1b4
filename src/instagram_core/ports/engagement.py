from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol


class EngagementStore(Protocol):
    """Likes and saves: idempotent set membership with an atomic like counter."""

    def like(self, post_id: int, user_id: str) -> tuple[bool, int]:
        """Record the like. Returns ``(added, like_count)``; liking again returns
        ``(False, count)`` and changes nothing. Atomic under concurrency."""
        ...

    def unlike(self, post_id: int, user_id: str) -> tuple[bool, int]:
        """Remove the like. Returns ``(removed, like_count)``; a no-op when absent."""
        ...

    def like_counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        """Like counts for each requested post; 0 for posts without likes."""
        ...

    def liked_by(self, user_id: str, post_ids: Iterable[int]) -> set[int]:
        """Those of ``post_ids`` that ``user_id`` likes."""
        ...

    def save(self, user_id: str, post_id: int) -> bool:
        """Bookmark the post; ``False`` (and no change) if it was saved already."""
        ...

    def unsave(self, user_id: str, post_id: int) -> bool:
        """Remove the bookmark; ``False`` (and no change) if there was none."""
        ...

    def saved_by(self, user_id: str, post_ids: Iterable[int]) -> set[int]:
        """Those of ``post_ids`` that ``user_id`` saved."""
        ...

    def forget_post(self, post_id: int) -> None:
        """Drop every like, save and count of a deleted post; a no-op if it has none."""
        ...
