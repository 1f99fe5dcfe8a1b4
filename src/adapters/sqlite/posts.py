"""Posts in SQLite: the seed's ``posts`` table; its ``user_posts`` grid becomes indexes.

``posts_published_grid`` is a partial index holding exactly the seed's ``user_posts`` rows
(published posts by author, id-ordered), so the public grid and ``count_published`` never
touch posts that are still processing. Like and comment counters belong to other stores.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from instagram_adapters.rows.posts import (
    from_json_list,
    json_list,
    post_from_values,
    post_names,
    post_values,
)
from instagram_adapters.sqlite.codecs import (
    conflict_on_integrity_error,
    in_batches,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.errors import NotFound
from instagram_core.domain.posts import Post, PostStatus

SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    post_id INTEGER PRIMARY KEY,  -- Snowflake id
    author_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,  -- microseconds since the Unix epoch, UTC
    published_at INTEGER,
    caption TEXT NOT NULL,
    media_ids TEXT NOT NULL,  -- JSON arrays, in order
    hashtags TEXT NOT NULL,
    mentions TEXT NOT NULL,
    tagged_user_ids TEXT NOT NULL,
    location TEXT,  -- JSON object
    filter_name TEXT,
    failure_reason TEXT
);
CREATE INDEX IF NOT EXISTS posts_grid ON posts (author_id, post_id);
CREATE INDEX IF NOT EXISTS posts_published_grid ON posts (author_id, post_id)
    WHERE status = 'published';
CREATE INDEX IF NOT EXISTS posts_by_status ON posts (status, created_at, post_id);
"""

_NAMES = post_names("created_at", "published_at")
_FIELDS = ", ".join(_NAMES)
_INSERT = f"INSERT INTO posts ({_FIELDS}) VALUES ({', '.join(f':{n}' for n in _NAMES)})"
_UPDATE = (
    f"UPDATE posts SET {', '.join(f'{n} = :{n}' for n in _NAMES[1:])} WHERE post_id = :post_id"
)


def _columns(post: Post) -> dict[str, Any]:
    return dict(zip(_NAMES, post_values(post, json_list), strict=True))


def _post(row: sqlite3.Row) -> Post:
    return post_from_values(tuple(row), from_json_list)


class SqlitePostStore:
    """A :class:`~instagram_core.ports.PostStore` on a shared :class:`SqliteDatabase`."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def add(self, post: Post) -> None:
        columns = _columns(post)
        with conflict_on_integrity_error("post id already exists"):
            self._db.execute(_INSERT, columns)

    def get(self, post_id: int) -> Post | None:
        row = self._db.query_one(f"SELECT {_FIELDS} FROM posts WHERE post_id = ?", (post_id,))
        return None if row is None else _post(row)

    def get_many(self, post_ids: Iterable[int]) -> Mapping[int, Post]:
        found: dict[int, Post] = {}
        for marks, batch in in_batches(post_ids):
            rows = self._db.query(f"SELECT {_FIELDS} FROM posts WHERE post_id IN ({marks})", batch)
            found.update((row["post_id"], _post(row)) for row in rows)
        return found

    def update(self, post: Post) -> None:
        if self._db.execute(_UPDATE, _columns(post)).rowcount == 0:
            raise NotFound("post not found")

    def delete(self, post_id: int) -> Post | None:
        with self._db.transaction() as conn:
            rows = conn.execute(
                f"DELETE FROM posts WHERE post_id = ? RETURNING {_FIELDS}", (post_id,)
            ).fetchall()
        return _post(rows[0]) if rows else None

    def by_author(
        self, author_id: str, before: int | None, limit: int, published_only: bool
    ) -> Sequence[Post]:
        if limit < 1:
            return []
        # The literal status term is what makes the partial index usable at all.
        grid = "posts_published_grid" if published_only else "posts_grid"
        sql = f"SELECT {_FIELDS} FROM posts INDEXED BY {grid} WHERE author_id = ?"
        if published_only:
            sql += " AND status = 'published'"
        params: tuple[str | int, ...] = (author_id,)
        if before is not None:
            sql += " AND post_id < ?"
            params += (before,)
        rows = self._db.query(sql + " ORDER BY post_id DESC LIMIT ?", (*params, limit))
        return [_post(row) for row in rows]

    def by_status(self, status: PostStatus, limit: int) -> Sequence[Post]:
        """Oldest by ``created_at`` first, ties broken by post id."""
        if status is PostStatus.PUBLISHED:
            raise ValueError("published posts are listed by author, not by status")
        if limit < 1:
            return []
        rows = self._db.query(
            f"SELECT {_FIELDS} FROM posts WHERE status = ? ORDER BY created_at, post_id LIMIT ?",
            (status.value, limit),
        )
        return [_post(row) for row in rows]

    def count_published(self, author_id: str) -> int:
        # Pinned: left alone, the planner counts through every published post of every author.
        row = self._db.query_one(
            "SELECT COUNT(*) AS n FROM posts INDEXED BY posts_published_grid"
            " WHERE author_id = ? AND status = 'published'",
            (author_id,),
        )
        return 0 if row is None else int(row["n"])
