"""Story poll votes in SQLite: the primary key (story, voter) allows one vote each."""

from __future__ import annotations

from collections.abc import Mapping

from instagram_adapters.sqlite.database import SqliteDatabase

SCHEMA = """
CREATE TABLE IF NOT EXISTS story_poll_votes (
    story_id INTEGER NOT NULL,
    voter_id TEXT NOT NULL,
    option INTEGER NOT NULL,
    PRIMARY KEY (story_id, voter_id)
);
"""


class SqliteStoryPollStore:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(SCHEMA)

    def vote(self, story_id: int, voter_id: str, option: int) -> bool:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO story_poll_votes (story_id, voter_id, option) "
                "VALUES (?, ?, ?)",
                (story_id, voter_id, option),
            )
            return cursor.rowcount == 1

    def vote_of(self, story_id: int, voter_id: str) -> int | None:
        row = self._db.query_one(
            "SELECT option FROM story_poll_votes WHERE story_id = ? AND voter_id = ?",
            (story_id, voter_id),
        )
        return int(row["option"]) if row else None

    def counts(self, story_id: int) -> Mapping[int, int]:
        rows = self._db.query(
            "SELECT option, COUNT(*) AS n FROM story_poll_votes WHERE story_id = ? GROUP BY option",
            (story_id,),
        )
        return {int(row["option"]): int(row["n"]) for row in rows}
