"""Comments in SQLite, clustered like the Cassandra table: ``(post_id, comment_id)``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from instagram_adapters.sqlite.codecs import (
    JSON_IDS,
    conflict_on_integrity_error,
    from_micros,
    json_ids,
    to_micros,
)
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.comments import Comment

SCHEMA = """
CREATE TABLE IF NOT EXISTS comments (
    post_id INTEGER NOT NULL,
    comment_id INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, comment_id)
) WITHOUT ROWID;
"""


def _comment(row: sqlite3.Row) -> Comment:
    return Comment(
        comment_id=int(row["comment_id"]),
        post_id=int(row["post_id"]),
        author_id=row["author_id"],
        text=row["text"],
        created_at=from_micros(row["created_at"]),
    )


class SqliteCommentStore:
    """The durable :class:`~instagram_core.ports.CommentStore` of the embedded profile."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def add(self, comment: Comment) -> None:
        with conflict_on_integrity_error(f"comment {comment.comment_id} exists"):
            self._db.execute(
                "INSERT INTO comments (post_id, comment_id, author_id, text, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    comment.post_id,
                    comment.comment_id,
                    comment.author_id,
                    comment.text,
                    to_micros(comment.created_at),
                ),
            )

    def list(self, post_id: int, after: int | None, limit: int) -> Sequence[Comment]:
        if limit <= 0:  # SQLite reads a negative LIMIT as "no limit"
            return []
        if after is None:
            rows = self._db.query(
                "SELECT * FROM comments WHERE post_id = ? ORDER BY comment_id LIMIT ?",
                (post_id, limit),
            )
        else:
            rows = self._db.query(
                "SELECT * FROM comments WHERE post_id = ? AND comment_id > ? "
                "ORDER BY comment_id LIMIT ?",
                (post_id, after, limit),
            )
        return [_comment(row) for row in rows]

    def counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        ids, param = json_ids(post_ids)
        rows = self._db.query(
            f"SELECT post_id, COUNT(*) AS n FROM comments WHERE post_id IN {JSON_IDS} "
            "GROUP BY post_id",
            (param,),
        )
        counts = dict.fromkeys(ids, 0)
        counts.update({int(row["post_id"]): int(row["n"]) for row in rows})
        return counts

    def forget_post(self, post_id: int) -> None:
        self._db.execute("DELETE FROM comments WHERE post_id = ?", (post_id,))
