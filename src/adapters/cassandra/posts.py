"""Posts on Cassandra: the seed's ``posts`` (by id) and ``user_posts`` (an author's grid).

Every write to ``posts`` is a lightweight transaction (``IF NOT EXISTS`` / ``IF EXISTS``), so
an id is never taken twice and a deleted post stays deleted even if a late worker publishes
it. The index rows (``user_posts``, ``posts_by_status_bucket``) follow in one logged batch; the
published count is a counter. A grid page reads slim ``user_posts`` rows, then hydrates the
posts by id concurrently (:meth:`CassandraSession.rows_of_many`), never one by one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from instagram_adapters.cassandra.buckets import walk
from instagram_adapters.cassandra.session import CassandraSession
from instagram_adapters.rows.codecs import (
    to_micros,
)
from instagram_adapters.rows.posts import (
    from_native_list,
    native_list,
    post_from_values,
    post_names,
    post_values,
)
from instagram_core.domain.errors import Conflict, NotFound, Unavailable
from instagram_core.domain.posts import Post, PostStatus

_NAMES = post_names("created_us", "published_us")
_FIELDS = ", ".join(_NAMES)
INSERT = f"INSERT INTO posts ({_FIELDS}) VALUES ({', '.join('?' * len(_NAMES))}) IF NOT EXISTS"
_UPDATE = (
    f"UPDATE posts SET {', '.join(f'{n} = ?' for n in _NAMES[1:])} WHERE post_id = ? IF EXISTS"
)
SELECT_ONE = f"SELECT {_FIELDS} FROM posts WHERE post_id = ?"
_DELETE = "DELETE FROM posts WHERE post_id = ? IF EXISTS"
INDEX = "INSERT INTO user_posts (author_id, post_id, status) VALUES (?, ?, ?)"
_UNINDEX = "DELETE FROM user_posts WHERE author_id = ? AND post_id = ?"
_GRID = "SELECT post_id, status FROM user_posts WHERE author_id = ?"
_GRID_BEFORE = _GRID + " AND post_id < ?"
QUEUE = (
    "INSERT INTO posts_by_status_bucket (status, bucket, created_us, post_id) VALUES (?, ?, ?, ?)"
)
QUEUE_BUCKET = "INSERT INTO post_status_buckets (status, bucket) VALUES (?, ?)"
_DEQUEUE = (
    "DELETE FROM posts_by_status_bucket"
    " WHERE status = ? AND bucket = ? AND created_us = ? AND post_id = ?"
)
_QUEUED = "SELECT post_id FROM posts_by_status_bucket WHERE status = ? AND bucket = ? LIMIT ?"
_QUEUE_BUCKETS = "SELECT bucket FROM post_status_buckets WHERE status = ?"
_NEWEST_QUEUE_BUCKET = _QUEUE_BUCKETS + " ORDER BY bucket DESC LIMIT 1"
_DROP_QUEUE_BUCKET = "DELETE FROM post_status_buckets WHERE status = ? AND bucket = ?"
_ANY_QUEUED = "SELECT post_id FROM posts_by_status_bucket WHERE status = ? AND bucket = ? LIMIT 1"
MINUTE_US = 60_000_000
DAY_US = 86_400_000_000
_COUNT = "UPDATE author_post_counts SET published = published + ? WHERE author_id = ?"
_READ_COUNT = "SELECT published FROM author_post_counts WHERE author_id = ?"
PUBLISHED = PostStatus.PUBLISHED.value
PROCESSING = PostStatus.PROCESSING.value


def columns(post: Post) -> list[Any]:
    return post_values(post, native_list)


def _post(row: Any) -> Post:
    return post_from_values(row, from_native_list)


def _queued(status: str) -> bool:
    """Published posts are the grid's business; ``posts_by_status`` lists the others."""
    return status != PUBLISHED


class CassandraPostStore:
    """A :class:`~instagram_core.ports.PostStore` on Cassandra.

    ``posts_by_status_bucket`` splits each status by ``created_us``: ``processing`` into
    minutes (``processing_bucket_us``), as each of its rows is deleted again within
    seconds and a bucket must not gather more tombstones than a read tolerates; ``failed``
    and ``rejected`` into days (``settled_bucket_us``), as their rows stay."""

    def __init__(
        self,
        session: CassandraSession,
        processing_bucket_us: int = MINUTE_US,
        settled_bucket_us: int = DAY_US,
    ) -> None:
        self._db = session
        self._processing_width = processing_bucket_us
        self._settled_width = settled_bucket_us

    def add(self, post: Post) -> None:
        values = columns(post)
        applied, _ = self._db.applied(INSERT, values)
        if not applied:
            raise Conflict("post id already exists")
        try:
            self._db.batch(self._index(post.author_id, post.post_id, values[2], values[3]))
        except Unavailable:
            # The caller hears 503 and publishes again under a new id: take this row back
            # (best effort), so no post lingers that no grid or recovery sweep lists.
            with contextlib.suppress(Unavailable):
                self._db.applied(_DELETE, (post.post_id,))
            raise
        if post.is_published:
            self._db.execute(_COUNT, (1, post.author_id))

    def get(self, post_id: int) -> Post | None:
        row = self._db.execute(SELECT_ONE, (post_id,)).one()
        return None if row is None else _post(row)

    def get_many(self, post_ids: Iterable[int]) -> Mapping[int, Post]:
        wanted = list(dict.fromkeys(post_ids))
        found: dict[int, Post] = {}
        for rows in self._db.rows_of_many(SELECT_ONE, [(post_id,) for post_id in wanted]):
            for row in rows:
                found[row.post_id] = _post(row)
        return found

    def update(self, post: Post) -> None:
        old = self.get(post.post_id)
        if old is None:
            raise NotFound("post not found")
        values = columns(post)
        applied, _ = self._db.applied(_UPDATE, [*values[1:], post.post_id])
        if not applied:  # deleted between the read and the write
            raise NotFound("post not found")
        self._db.batch(self._reindex(old, post.author_id, values[2], values[3]))
        delta = int(post.is_published) - int(old.is_published)
        if old.author_id != post.author_id and old.is_published:
            self._db.execute(_COUNT, (-1, old.author_id))
            delta = int(post.is_published)
        if delta:
            self._db.execute(_COUNT, (delta, post.author_id))

    def delete(self, post_id: int) -> Post | None:
        old = self.get(post_id)
        if old is None:
            return None
        applied, _ = self._db.applied(_DELETE, (post_id,))
        if not applied:  # another delete won
            return None
        self._db.batch(self._unindex(old))
        if old.is_published:
            self._db.execute(_COUNT, (-1, old.author_id))
        return old

    def by_author(
        self, author_id: str, before: int | None, limit: int, published_only: bool
    ) -> Sequence[Post]:
        if limit < 1:
            return []
        cql, params = (
            (_GRID, (author_id,)) if before is None else (_GRID_BEFORE, (author_id, before))
        )
        # Slim rows: a page is one or two round trips even when many are still processing.
        ids: list[int] = []
        for row in self._db.iterate(cql, params, fetch_size=limit * 2 if published_only else limit):
            if not published_only or row.status == PUBLISHED:
                ids.append(row.post_id)
                if len(ids) == limit:
                    break
        return self._in_order(ids)

    def by_status(self, status: PostStatus, limit: int) -> Sequence[Post]:
        """Oldest by ``created_at`` first, ties broken by post id."""
        if status is PostStatus.PUBLISHED:
            raise ValueError("published posts are listed by author, not by status")
        if limit < 1:
            return []
        key = status.value
        buckets = (row.bucket for row in self._db.iterate(_QUEUE_BUCKETS, (key,)))
        newest = self._db.execute(_NEWEST_QUEUE_BUCKET, (key,)).one()

        def read_wave(wave: Sequence[int]) -> list[list[int]]:
            found = self._db.rows_of_many(_QUEUED, [(key, bucket, limit) for bucket in wave])
            for bucket, rows in zip(wave, found, strict=True):
                if not rows and newest is not None and bucket != newest.bucket:
                    self._drop_empty_bucket(key, bucket)
            return [[row.post_id for row in rows] for rows in found]

        return self._in_order(walk(buckets, read_wave, limit))

    def _drop_empty_bucket(self, status: str, bucket: int) -> None:
        """Forget an emptied bucket (every post in it settled), so later sweeps do not read
        it again. The newest bucket is kept (new posts land there). A post written into the
        bucket meanwhile re-lists it: its batch writes the bucket's index row too, and the
        re-read below restores a row this delete shadowed."""
        self._db.execute(_DROP_QUEUE_BUCKET, (status, bucket))
        if self._db.execute(_ANY_QUEUED, (status, bucket)).one() is not None:
            self._db.execute(QUEUE_BUCKET, (status, bucket))

    def count_published(self, author_id: str) -> int:
        row = self._db.execute(_READ_COUNT, (author_id,)).one()
        return 0 if row is None or row.published is None else max(0, int(row.published))

    def _in_order(self, ids: list[int]) -> list[Post]:
        """Hydrate ``ids`` concurrently, keeping their order; an index row whose post is gone
        (a delete interrupted between its two writes) is skipped."""
        found = self.get_many(ids)
        return [found[post_id] for post_id in ids if post_id in found]

    def queue_bucket(self, status: str, created_us: int) -> int:
        """The ``posts_by_status_bucket`` bucket of a post in ``status`` created then."""
        width = self._processing_width if status == PROCESSING else self._settled_width
        return created_us // width

    def _index(
        self, author_id: str, post_id: int, status: str, created_us: int
    ) -> list[tuple[str, Sequence[Any]]]:
        writes: list[tuple[str, Sequence[Any]]] = [(INDEX, (author_id, post_id, status))]
        if _queued(status):
            bucket = self.queue_bucket(status, created_us)
            writes.append((QUEUE_BUCKET, (status, bucket)))
            writes.append((QUEUE, (status, bucket, created_us, post_id)))
        return writes

    def _reindex(
        self, old: Post, author_id: str, status: str, created_us: int
    ) -> list[tuple[str, Sequence[Any]]]:
        """Move the index rows; a row both deleted and written in one batch would share
        its timestamp, and the tombstone would win, so only rows whose key changes are
        deleted."""
        writes = self._index(author_id, old.post_id, status, created_us)
        if old.author_id != author_id:
            writes.append((_UNINDEX, (old.author_id, old.post_id)))
        old_key = (old.status.value, to_micros(old.created_at))
        if _queued(old.status.value) and old_key != (status, created_us):
            writes.append((_DEQUEUE, self._queue_key(old)))
        return writes

    def _unindex(self, old: Post) -> list[tuple[str, Sequence[Any]]]:
        writes: list[tuple[str, Sequence[Any]]] = [(_UNINDEX, (old.author_id, old.post_id))]
        if _queued(old.status.value):
            writes.append((_DEQUEUE, self._queue_key(old)))
        return writes

    def _queue_key(self, post: Post) -> tuple[str, int, int, int]:
        created_us = to_micros(post.created_at)
        status = post.status.value
        return (status, self.queue_bucket(status, created_us), created_us, post.post_id)
