"""The outbox table (``migrations/0003``): bus records kept beside the rows they announce.

:meth:`MySqlOutbox.append` writes through the pool, so inside a
:meth:`~instagram_adapters.mysql.pool.MySqlPool.unit` the records commit (or roll back) with
the unit's other writes. :meth:`MySqlOutbox.relay_batch` is the relay's step: under the
lease row, the oldest records are handed to ``send`` and deleted only once it returned, in
the same transaction; a ``send`` that raises leaves them for the next try. A relay that
dies after the broker acknowledged but before COMMIT sends that batch again (at least
once; the handlers are idempotent).

A record may also be *held* (``migrations/0006``): written before a write to another store,
not relayed until :meth:`MySqlOutbox.release` (see ``instagram_core.ports.intents``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs

from instagram_adapters.mysql.pool import MySqlPool

DEFAULT_BATCH = 500


@attrs.frozen
class OutboxRecord:
    """One bus record: where it goes, its partition key, its encoded envelope."""

    topic: str
    key: bytes | None
    payload: bytes


class MySqlOutbox:
    def __init__(self, pool: MySqlPool) -> None:
        self._pool = pool

    def append(self, records: Sequence[OutboxRecord]) -> None:
        """Store ``records`` (in the caller's unit, if one is open)."""
        if not records:
            return
        with self._pool.connection() as conn, conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO outbox (topic, record_key, payload, created_at)"
                " VALUES (%s, %s, %s, UTC_TIMESTAMP(6))",
                [(r.topic, r.key, r.payload) for r in records],
            )

    def hold(self, record: OutboxRecord) -> int:
        """Store ``record`` held (the relay leaves it alone); its row id."""
        with self._pool.connection() as conn, conn.cursor() as cur:
            cur.execute(
                "INSERT INTO outbox (topic, record_key, payload, created_at, held)"
                " VALUES (%s, %s, %s, UTC_TIMESTAMP(6), 1)",
                (record.topic, record.key, record.payload),
            )
            return int(cur.lastrowid)

    def release(self, row_id: int, again: OutboxRecord | None = None) -> bool:
        """Let the relay send the held row; ``False`` if it is no longer held (settled by
        a sweep meanwhile). With ``again``, a row no longer held is written afresh, ready:
        the caller knows the write happened, and a sweep may have judged too early."""
        released = self._pool.execute(
            "UPDATE outbox SET held = 0 WHERE id = %s AND held = 1", (row_id,)
        )
        if not released and again is not None:
            self.append([again])
        return bool(released)

    def withdraw(self, row_id: int) -> None:
        """Delete the row if it is still held (its write never happened)."""
        self._pool.execute("DELETE FROM outbox WHERE id = %s AND held = 1", (row_id,))

    def held_records(self, older_than_seconds: float, limit: int) -> list[tuple[int, OutboxRecord]]:
        """Rows held for longer than ``older_than_seconds`` (by the server's clock), oldest
        first."""
        rows = self._pool.query(
            "SELECT id, topic, record_key, payload FROM outbox WHERE held = 1"
            " AND created_at <= UTC_TIMESTAMP(6) - INTERVAL %s MICROSECOND ORDER BY id LIMIT %s",
            (int(older_than_seconds * 1_000_000), limit),
        )
        return [(int(row["id"]), _record(row)) for row in rows]

    def relay_batch(
        self, send: Callable[[list[OutboxRecord]], None], limit: int = DEFAULT_BATCH
    ) -> int | None:
        """Hand the oldest ``limit`` records to ``send`` and delete them once it returns.

        Returns how many were sent, or ``None`` when another relay holds the lease (it is
        sending a batch right now). ``send`` raising rolls the claim back: the records stay,
        in order, for the next call."""
        with self._pool.transaction() as cur:
            cur.execute("SELECT lease FROM outbox_relay WHERE lease = 1 FOR UPDATE SKIP LOCKED")
            if cur.fetchone() is None:
                return None
            cur.execute(
                "SELECT id, topic, record_key, payload FROM outbox WHERE held = 0"
                " ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
                (limit,),
            )
            rows = cur.fetchall()
            if not rows:
                return 0
            send([_record(row) for row in rows])
            cur.execute("DELETE FROM outbox WHERE id IN %s", ([row["id"] for row in rows],))
            return len(rows)

    def pending(self) -> int:
        """Records not yet relayed, held ones included (for readiness and tests)."""
        rows = self._pool.query("SELECT COUNT(*) AS n FROM outbox")
        return int(rows[0]["n"])


def _record(row: dict[str, Any]) -> OutboxRecord:
    key = row["record_key"]
    return OutboxRecord(row["topic"], None if key is None else bytes(key), bytes(row["payload"]))
