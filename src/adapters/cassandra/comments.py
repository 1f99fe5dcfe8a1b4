"""Comments on Cassandra: the seed's comments partitioned by post, split into hourly buckets
so a viral post's thread never makes one partition past ~100 MB.

``comments_by_bucket`` is keyed ``((post_id, bucket), comment_id)``, oldest first, where the
bucket is the hour of the comment's Snowflake id; ``comment_buckets`` lists a post's
non-empty buckets. A thread page walks the buckets from the cursor's (see
:mod:`instagram_adapters.cassandra.buckets`). Counts come from a counter per post, so a feed
of 50 posts asks 50 single-cell counters (concurrently), not 50 partition scans.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from instagram_adapters.cassandra.buckets import HOUR_OF_IDS, bucket_of, walk
from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.rows.codecs import from_micros, to_micros
from instagram_core.domain.comments import Comment
from instagram_core.domain.errors import Conflict

_COLUMNS = "post_id, comment_id, author_id, text, created_us"
_INSERT = (
    "INSERT INTO comments_by_bucket (post_id, bucket, comment_id, author_id, text, created_us)"
    " VALUES (?, ?, ?, ?, ?, ?) IF NOT EXISTS"
)
_SLICE = (
    f"SELECT {_COLUMNS} FROM comments_by_bucket"
    " WHERE post_id = ? AND bucket = ? AND comment_id > ? LIMIT ?"
)
_INDEX = "INSERT INTO comment_buckets (post_id, bucket) VALUES (?, ?)"
_BUCKETS = "SELECT bucket FROM comment_buckets WHERE post_id = ? AND bucket >= ?"
_BUMP = "UPDATE comment_counts SET comments = comments + 1 WHERE post_id = ?"
_COUNT = "SELECT post_id, comments FROM comment_counts WHERE post_id = ?"
_FORGET_BUCKET = "DELETE FROM comments_by_bucket WHERE post_id = ? AND bucket = ?"
_FORGET_BUCKETS = "DELETE FROM comment_buckets WHERE post_id = ?"
_FORGET_COUNT = "DELETE FROM comment_counts WHERE post_id = ?"
_BEFORE_EVERY_ID = -(2**63)


def _comment(row: Any) -> Comment:
    return Comment(
        comment_id=row.comment_id,
        post_id=row.post_id,
        author_id=row.author_id,
        text=row.text,
        created_at=from_micros(row.created_us),
    )


class CassandraCommentStore:
    """A :class:`~instagram_core.ports.CommentStore` on Cassandra; ``bucket_width`` is the
    number of ids per bucket (an hour's; tests pass a few to cross buckets often)."""

    def __init__(self, session: CassandraSession, bucket_width: int = HOUR_OF_IDS) -> None:
        self._db = session
        self._width = bucket_width

    def add(self, comment: Comment) -> None:
        bucket = bucket_of(comment.comment_id, self._width)
        # The bucket's index row first: a crash before the comment leaves an empty bucket
        # listed (one wasted read), never a comment no walk reaches.
        self._db.execute(_INDEX, (comment.post_id, bucket))
        applied, _ = self._db.applied(
            _INSERT,
            (
                comment.post_id,
                bucket,
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
        floor = _BEFORE_EVERY_ID if after is None else after
        first = 0 if after is None else bucket_of(after, self._width)
        buckets = (row.bucket for row in self._db.iterate(_BUCKETS, (post_id, first)))

        def read_wave(wave: Sequence[int]) -> list[list[Comment]]:
            params = [(post_id, bucket, floor, limit) for bucket in wave]
            return [[_comment(r) for r in rows] for rows in self._db.rows_of_many(_SLICE, params)]

        return walk(buckets, read_wave, limit)

    def counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        wanted = list(dict.fromkeys(post_ids))
        counts = dict.fromkeys(wanted, 0)
        for rows in self._db.rows_of_many(_COUNT, [(post_id,) for post_id in wanted]):
            for row in rows:
                counts[row.post_id] = max(0, int(row.comments or 0))
        return counts

    def forget_post(self, post_id: int) -> None:
        """One partition tombstone per bucket, then the bucket list and the counter (in
        that order: an interrupted forget is finished by calling it again)."""
        buckets = list(self._buckets(post_id))
        self._db.rows_of_many(_FORGET_BUCKET, [(post_id, bucket) for bucket in buckets])
        self._db.execute(_FORGET_BUCKETS, (post_id,))
        self._db.execute(_FORGET_COUNT, (post_id,))

    def _buckets(self, post_id: int) -> Iterator[int]:
        return (row.bucket for row in self._db.iterate(_BUCKETS, (post_id, _BEFORE_EVERY_ID)))
