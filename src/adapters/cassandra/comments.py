"""Comments on Cassandra, as the seed has them: partition ``post_id``, clustered by
``comment_id`` (a Snowflake id, so by time).

A thread page is one slice of one partition. Counts come from a counter per post, kept
beside the rows, so a feed of 50 posts asks 50 single-cell counters (concurrently), not
50 partition scans.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from instagram_adapters.cassandra.codecs import from_micros, to_micros
from instagram_adapters.cassandra.session import CassandraSession
from instagram_core.domain.comments import Comment
from instagram_core.domain.errors import Conflict

_COLUMNS = "post_id, comment_id, author_id, text, created_us"
_INSERT = f"INSERT INTO comments ({_COLUMNS}) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS"
_PAGE = f"SELECT {_COLUMNS} FROM comments WHERE post_id = ? LIMIT ?"
_PAGE_AFTER = f"SELECT {_COLUMNS} FROM comments WHERE post_id = ? AND comment_id > ? LIMIT ?"
_BUMP = "UPDATE comment_counts SET comments = comments + 1 WHERE post_id = ?"
_COUNT = "SELECT post_id, comments FROM comment_counts WHERE post_id = ?"
_FORGET = "DELETE FROM comments WHERE post_id = ?"
_FORGET_COUNT = "DELETE FROM comment_counts WHERE post_id = ?"


def _comment(row: Any) -> Comment:
    return Comment(
        comment_id=row.comment_id,
        post_id=row.post_id,
        author_id=row.author_id,
        text=row.text,
        created_at=from_micros(row.created_us),
    )


class CassandraCommentStore:
    """A :class:`~instagram_core.ports.CommentStore` on Cassandra."""

    def __init__(self, session: CassandraSession) -> None:
        self._db = session

    def add(self, comment: Comment) -> None:
        applied, _ = self._db.applied(
            _INSERT,
            (
                comment.post_id,
                comment.comment_id,
                comment.author_id,
                comment.text,
                to_micros(comment.created_at),
            ),
        )
        if not applied:
            raise Conflict(f"comment {comment.comment_id} exists")
        self._db.execute(_BUMP, (comment.post_id,))

    def list(self, post_id: int, after: int | None, limit: int) -> Sequence[Comment]:
        if limit <= 0:
            return []
        if after is None:
            rows = self._db.execute(_PAGE, (post_id, limit))
        else:
            rows = self._db.execute(_PAGE_AFTER, (post_id, after, limit))
        return [_comment(row) for row in rows]

    def counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        wanted = list(dict.fromkeys(post_ids))
        counts = dict.fromkeys(wanted, 0)
        for rows in self._db.rows_of_many(_COUNT, [(post_id,) for post_id in wanted]):
            for row in rows:
                counts[row.post_id] = max(0, int(row.comments or 0))
        return counts

    def forget_post(self, post_id: int) -> None:
        self._db.execute(_FORGET, (post_id,))
        self._db.execute(_FORGET_COUNT, (post_id,))
