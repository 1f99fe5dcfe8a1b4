"""Blocks and mutes in MySQL, beside the follows (migration ``0002_blocks_and_mutes``).

A block locks both accounts' ``users`` rows (as every follow write does, see
:mod:`instagram_adapters.mysql.social_graph`), records itself and deletes the follows in both
directions, in one transaction: a follow racing it either committed first and is deleted
here, or waits for this commit and then finds the block.
"""

from __future__ import annotations

from instagram_adapters.mysql.connect import Cursor
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.social_graph import lock_accounts, remove_edge
from instagram_core.domain.social import BlockOutcome


def _block(cur: Cursor, blocker_id: str, blocked_id: str) -> BlockOutcome:
    lock_accounts(cur, blocker_id, blocked_id)
    recorded = cur.execute(
        "INSERT IGNORE INTO blocks (blocker_id, blocked_id, created_at)"
        " VALUES (%s, %s, UTC_TIMESTAMP(6))",
        (blocker_id, blocked_id),
    )
    ended = (remove_edge(cur, blocker_id, blocked_id), remove_edge(cur, blocked_id, blocker_id))
    return BlockOutcome(recorded == 1, tuple(edge for edge in ended if edge is not None))


class MySqlRestrictions:
    """A :class:`~instagram_core.ports.Restrictions` on the pool of the social graph."""

    def __init__(self, pool: MySqlPool) -> None:
        self._pool = pool

    def block(self, blocker_id: str, blocked_id: str) -> BlockOutcome:
        return self._pool.run_in_transaction(lambda cur: _block(cur, blocker_id, blocked_id))

    def unblock(self, blocker_id: str, blocked_id: str) -> bool:
        return (
            self._pool.execute(
                "DELETE FROM blocks WHERE blocker_id = %s AND blocked_id = %s",
                (blocker_id, blocked_id),
            )
            == 1
        )

    def blocked_between(self, user_a: str, user_b: str) -> bool:
        rows = self._pool.query(
            "SELECT 1 FROM blocks WHERE (blocker_id = %s AND blocked_id = %s)"
            " OR (blocker_id = %s AND blocked_id = %s) LIMIT 1",
            (user_a, user_b, user_b, user_a),
        )
        return bool(rows)

    def blocked_ids(self, user_id: str) -> set[str]:
        rows = self._pool.query(
            "SELECT blocked_id AS other FROM blocks WHERE blocker_id = %s"
            " UNION SELECT blocker_id FROM blocks WHERE blocked_id = %s",
            (user_id, user_id),
        )
        return {row["other"] for row in rows}

    def mute(self, muter_id: str, muted_id: str) -> bool:
        return (
            self._pool.execute(
                "INSERT IGNORE INTO mutes (muter_id, muted_id, created_at)"
                " VALUES (%s, %s, UTC_TIMESTAMP(6))",
                (muter_id, muted_id),
            )
            == 1
        )

    def unmute(self, muter_id: str, muted_id: str) -> bool:
        return (
            self._pool.execute(
                "DELETE FROM mutes WHERE muter_id = %s AND muted_id = %s", (muter_id, muted_id)
            )
            == 1
        )

    def muted_ids(self, muter_id: str) -> set[str]:
        rows = self._pool.query("SELECT muted_id FROM mutes WHERE muter_id = %s", (muter_id,))
        return {row["muted_id"] for row in rows}
