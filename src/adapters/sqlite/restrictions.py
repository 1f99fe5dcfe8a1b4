"""Blocks and mutes in the embedded SQLite file."""

from __future__ import annotations

from instagram_adapters.sqlite.database import SqliteDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS restrictions (
    kind TEXT NOT NULL CHECK (kind IN ('block', 'mute')),
    actor_id TEXT NOT NULL,
    target_id TEXT NOT NULL,
    PRIMARY KEY (kind, actor_id, target_id)
);
CREATE INDEX IF NOT EXISTS restrictions_by_target ON restrictions (kind, target_id, actor_id);
"""


class SqliteRestrictions:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(_SCHEMA)

    def block(self, blocker_id: str, blocked_id: str) -> bool:
        return self._add("block", blocker_id, blocked_id)

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        return self._remove("block", blocker_id, blocked_id)

    def blocked_between(self, user_a: str, user_b: str) -> bool:
        row = self._db.query_one(
            "SELECT 1 FROM restrictions WHERE kind = 'block' AND ("
            "(actor_id = ? AND target_id = ?) OR (actor_id = ? AND target_id = ?))",
            (user_a, user_b, user_b, user_a),
        )
        return row is not None

    def blocked_ids(self, user_id: str) -> set[str]:
        rows = self._db.query(
            "SELECT target_id AS other FROM restrictions WHERE kind = 'block' AND actor_id = ? "
            "UNION SELECT actor_id FROM restrictions WHERE kind = 'block' AND target_id = ?",
            (user_id, user_id),
        )
        return {row["other"] for row in rows}

    def mute(self, muter_id: str, muted_id: str) -> bool:
        return self._add("mute", muter_id, muted_id)

    def unmute(self, muter_id: str, muted_id: str) -> bool:
        return self._remove("mute", muter_id, muted_id)

    def muted_ids(self, muter_id: str) -> set[str]:
        rows = self._db.query(
            "SELECT target_id FROM restrictions WHERE kind = 'mute' AND actor_id = ?", (muter_id,)
        )
        return {row["target_id"] for row in rows}

    def _add(self, kind: str, actor_id: str, target_id: str) -> bool:
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO restrictions (kind, actor_id, target_id) VALUES (?, ?, ?)",
            (kind, actor_id, target_id),
        )
        return cursor.rowcount == 1

    def _remove(self, kind: str, actor_id: str, target_id: str) -> bool:
        cursor = self._db.execute(
            "DELETE FROM restrictions WHERE kind = ? AND actor_id = ? AND target_id = ?",
            (kind, actor_id, target_id),
        )
        return cursor.rowcount == 1
