"""The outbox table (``migrations/0003``): bus records kept beside the rows they announce.

:meth:`MySqlOutbox.append` writes through the pool, so inside a
:meth:`~instagram_adapters.mysql.pool.MySqlPool.unit` the records commit (or roll back) with
the unit's other writes. :meth:`MySqlOutbox.relay_batch` is the relay's step: under the
lease row, the oldest records are handed to ``send`` and deleted only once it returned, in
the same transaction; a ``send`` that raises leaves them for the next try. A relay that
dies after the broker acknowledged but before COMMIT sends that batch again (at least
once; the handlers are idempotent)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
                "SELECT id, topic, record_key, payload FROM outbox ORDER BY id LIMIT %s"
                " FOR UPDATE SKIP LOCKED",
                (limit,),
            )
            rows = cur.fetchall()
            if not rows:
                return 0
            send(
                [
                    OutboxRecord(
                        row["topic"],
                        None if row["record_key"] is None else bytes(row["record_key"]),
                        bytes(row["payload"]),
                    )
                    for row in rows
                ]
            )
            cur.execute("DELETE FROM outbox WHERE id IN %s", ([row["id"] for row in rows],))
            return len(rows)

    def pending(self) -> int:
        """Records not yet relayed (for readiness and tests)."""
        rows = self._pool.query("SELECT COUNT(*) AS n FROM outbox")
        return int(rows[0]["n"])
