"""Likes and saves in SQLite.

The ``likes`` set and the ``like_counts`` counter change in one immediate transaction, the SQL
twin of Redis's ``SADD`` + ``INCR``: the counter moves only when the set did, so retries and
races never double count, and reading a count never scans the set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from instagram_adapters.sqlite.codecs import JSON_IDS, json_ids
from instagram_adapters.sqlite.database import SqliteDatabase

SCHEMA = """
CREATE TABLE IF NOT EXISTS likes (
    post_id INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (post_id, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS like_counts (
    post_id INTEGER PRIMARY KEY,
    count INTEGER NOT NULL CHECK (count >= 0)
);
CREATE TABLE IF NOT EXISTS saves (
    user_id TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    PRIMARY KEY (user_id, post_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS saves_by_post ON saves (post_id);
"""


class SqliteEngagementStore:
    """The durable :class:`~instagram_core.ports.EngagementStore` of the embedded profile."""

    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def like(self, post_id: int, user_id: str) -> tuple[bool, int]:
        with self._db.transaction() as conn:
            added = (
                conn.execute(
                    "INSERT OR IGNORE INTO likes (post_id, user_id) VALUES (?, ?)",
                    (post_id, user_id),
                ).rowcount
                == 1
            )
            if added:
                conn.execute(
                    "INSERT INTO like_counts (post_id, count) VALUES (?, 1) "
                    "ON CONFLICT (post_id) DO UPDATE SET count = count + 1",
                    (post_id,),
                )
            return added, self._count(post_id)

    def unlike(self, post_id: int, user_id: str) -> tuple[bool, int]:
        with self._db.transaction() as conn:
            removed = (
                conn.execute(
                    "DELETE FROM likes WHERE post_id = ? AND user_id = ?", (post_id, user_id)
                ).rowcount
                == 1
            )
            if removed:
                conn.execute(
                    "UPDATE like_counts SET count = count - 1 WHERE post_id = ?", (post_id,)
                )
                conn.execute("DELETE FROM like_counts WHERE post_id = ? AND count = 0", (post_id,))
            return removed, self._count(post_id)

    def _count(self, post_id: int) -> int:
        row = self._db.query_one("SELECT count FROM like_counts WHERE post_id = ?", (post_id,))
        return int(row["count"]) if row else 0

    def like_counts(self, post_ids: Iterable[int]) -> Mapping[int, int]:
        ids, param = json_ids(post_ids)
        rows = self._db.query(
            f"SELECT post_id, count FROM like_counts WHERE post_id IN {JSON_IDS}", (param,)
        )
        counts = dict.fromkeys(ids, 0)
        counts.update({int(row["post_id"]): int(row["count"]) for row in rows})
        return counts

    def liked_by(self, user_id: str, post_ids: Iterable[int]) -> set[int]:
        _, param = json_ids(post_ids)
        rows = self._db.query(
            f"SELECT post_id FROM likes WHERE user_id = ? AND post_id IN {JSON_IDS}",
            (user_id, param),
        )
        return {int(row["post_id"]) for row in rows}

    def save(self, user_id: str, post_id: int) -> bool:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO saves (user_id, post_id) VALUES (?, ?)", (user_id, post_id)
        )
        return cursor.rowcount == 1

    def unsave(self, user_id: str, post_id: int) -> bool:
        cursor = self._db.execute(
            "DELETE FROM saves WHERE user_id = ? AND post_id = ?", (user_id, post_id)
        )
        return cursor.rowcount == 1

    def saved_by(self, user_id: str, post_ids: Iterable[int]) -> set[int]:
        _, param = json_ids(post_ids)
        rows = self._db.query(
            f"SELECT post_id FROM saves WHERE user_id = ? AND post_id IN {JSON_IDS}",
            (user_id, param),
        )
        return {int(row["post_id"]) for row in rows}

    def forget_post(self, post_id: int) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM likes WHERE post_id = ?", (post_id,))
            conn.execute("DELETE FROM like_counts WHERE post_id = ?", (post_id,))
            conn.execute("DELETE FROM saves WHERE post_id = ?", (post_id,))
