"""Blocks and mutes in the embedded SQLite file, in the ``restrictions`` table that the
social graph's schema creates: a block deletes the follows in the transaction recording it."""

from __future__ import annotations

from instagram_adapters.sqlite import social_graph
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_core.domain.social import BlockOutcome


class SqliteRestrictions:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        db.apply_schema(social_graph.SCHEMA)

    def block(self, blocker_id: str, blocked_id: str) -> BlockOutcome:
        with self._db.transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO restrictions (kind, actor_id, target_id)"
                " VALUES ('block', ?, ?)",
                (blocker_id, blocked_id),
            )
            ended = (
                social_graph.remove_edge(conn, blocker_id, blocked_id),
                social_graph.remove_edge(conn, blocked_id, blocker_id),
            )
            return BlockOutcome(cursor.rowcount == 1, tuple(e for e in ended if e is not None))

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
        cursor = self._db.execute(
            "INSERT OR IGNORE INTO restrictions (kind, actor_id, target_id) VALUES ('mute', ?, ?)",
            (muter_id, muted_id),
        )
        return cursor.rowcount == 1

    def unmute(self, muter_id: str, muted_id: str) -> bool:
        return self._remove("mute", muter_id, muted_id)

    def muted_ids(self, muter_id: str) -> set[str]:
        rows = self._db.query(
            "SELECT target_id FROM restrictions WHERE kind = 'mute' AND actor_id = ?", (muter_id,)
        )
        return {row["target_id"] for row in rows}

    def _remove(self, kind: str, actor_id: str, target_id: str) -> bool:
        cursor = self._db.execute(
            "DELETE FROM restrictions WHERE kind = ? AND actor_id = ? AND target_id = ?",
            (kind, actor_id, target_id),
        )
        return cursor.rowcount == 1
