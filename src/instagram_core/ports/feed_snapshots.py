from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class FeedSnapshots(Protocol):
    """Ranked feed orders kept briefly, so that every page of one feed session continues the
    same order: paging never repeats or skips a post while new ones arrive."""

    def save(self, viewer_id: str, snapshot_id: str, post_ids: Sequence[int], ttl: int) -> None:
        """Store the order (replacing one with the same id); it expires ``ttl`` seconds from
        now, by the adapter's clock."""
        ...

    def load(
        self, viewer_id: str, snapshot_id: str, offset: int, limit: int
    ) -> Sequence[int] | None:
        """Up to ``limit`` ids from position ``offset``; ``None`` when the snapshot is
        unknown or expired (an empty list when ``offset`` is past its end). Reading renews
        its expiry by the ``ttl`` it was saved with."""
        ...
