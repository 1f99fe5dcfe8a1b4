"""Comments held in process memory, partitioned by post and ordered by comment id."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable, Mapping, Sequence

from instagram_core.domain.comments import Comment
from instagram_core.domain.errors import Conflict


class _PostComments:
    """One post's partition: a sorted id list (the clustering order) beside the comments."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.by_id: dict[int, Comment] = {}


class InMemoryCommentStore:
    """The :class:`~instagram_core.ports.CommentStore` of tests and the embedded profile.

    Like the Cassandra table, a comment is keyed by ``(post_id, comment_id)``."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._posts: dict[int, _PostComments] = {}

    def add(self, comment: Comment) -> None:
        with self._lock:
            partition = self._posts.setdefault(comment.post_id, _PostComments())
            if comment.comment_id in partition.by_id:
                raise Conflict(f"comment {comment.comment_id} exists")
            bisect.insort(partition.ids, comment.comment_id)
            partition.by_id[comment.comment_id] = comment

    def list(self, post_id: int, after: int | None, limit: int) -> Sequence[Comment]:
        with self._lock:
            partition = self._posts.get(post_id)
            if partition is None or limit <= 0:
                return []
            start = 0 if after is None else bisect.bisect_right(partition.ids, after)
            return [partition.by_id[i] for i in partition.ids[start : start + limit]]

    def counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        with self._lock:
            return {
                post_id: len(partition.ids) if (partition := self._posts.get(post_id)) else 0
                for post_id in post_ids
            }

    def forget_post(self, post_id: int) -> None:
        with self._lock:
            self._posts.pop(post_id, None)
