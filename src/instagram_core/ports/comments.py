from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

from instagram_core.domain.comments import Comment


class CommentStore(Protocol):
    """Comments partitioned by post, clustered by comment id (time)."""

    def add(self, comment: Comment) -> None:
        """Store a comment. Raises ``Conflict`` if the post has a comment with this id."""
        ...

    def list(self, post_id: int, after: int | None, limit: int) -> Sequence[Comment]:
        """Up to ``limit`` comments of the post with ids above ``after``, oldest first."""
        ...

    def counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        """Comment counts for each requested post; 0 for posts without comments."""
        ...

    def forget_post(self, post_id: int) -> None:
        """Delete every comment of the post; a no-op if it has none."""
        ...
