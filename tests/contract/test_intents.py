"""Every adapter of :class:`~instagram_core.ports.Intents` passes
:class:`~instagram_core.testing.IntentsContract`: publishing after the write on the
in-process buses (not durable), held in a dict (memory), one SQLite transaction with the
durable embedded bus, and outbox rows held before the write on MariaDB (the production
profile on Kafka)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from instagram_adapters.kafka.envelope import decode, open_message
from instagram_adapters.kafka.intents import OutboxIntents
from instagram_adapters.kafka.topics import Route, Topology
from instagram_adapters.memory.clock import ManualClock
from instagram_adapters.memory.event_bus import SynchronousEventBus
from instagram_adapters.memory.intents import InMemoryIntents
from instagram_adapters.mysql.migrate import apply_migrations
from instagram_adapters.mysql.outbox import MySqlOutbox, OutboxRecord
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.event_bus import SqliteEventBus
from instagram_adapters.sqlite.intents import SqliteIntents
from instagram_core.domain.events import Message
from instagram_core.services.intents import PublishAfterWrite
from instagram_core.testing.intents import IntentsContract, IntentsRig, Noted
from tests.mysql_support import create_database, mariadb

TOPOLOGY = Topology(prefix="intents", routes={Noted: Route("test", "key")})


class SetLedger:
    """A store outside any transaction (Redis, Cassandra)."""

    def __init__(self) -> None:
        self._keys: set[str] = set()

    def put(self, key: str) -> None:
        self._keys.add(key)

    def has(self, key: str) -> bool:
        return key in self._keys


class SqliteLedger:
    """A store in the embedded file: its writes join the open transaction."""

    def __init__(self, database: SqliteDatabase) -> None:
        self._db = database
        database.apply_schema("CREATE TABLE IF NOT EXISTS ledger (key TEXT PRIMARY KEY)")

    def put(self, key: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO ledger (key) VALUES (?)", (key,))

    def has(self, key: str) -> bool:
        return self._db.query_one("SELECT key FROM ledger WHERE key = ?", (key,)) is not None


class TestPublishAfterWrite(IntentsContract):
    @pytest.fixture
    def new_intents_rig(self) -> Callable[[], IntentsRig]:
        def new() -> IntentsRig:
            seen: list[Message] = []
            bus = SynchronousEventBus({Noted: [seen.append]})
            return IntentsRig(PublishAfterWrite(bus), SetLedger(), lambda: list(seen), False)

        return new


class TestInMemoryIntents(IntentsContract):
    @pytest.fixture
    def new_intents_rig(self) -> Callable[[], IntentsRig]:
        def new() -> IntentsRig:
            seen: list[Message] = []
            bus = SynchronousEventBus({Noted: [seen.append]})
            clock = ManualClock(datetime(2026, 12, 3, tzinfo=UTC))
            return IntentsRig(InMemoryIntents(bus, clock), SetLedger(), lambda: list(seen))

        return new


class TestSqliteIntents(IntentsContract):
    """The durable bus's jobs are what it delivers: its workers are not started, so the
    rows stay to be read."""

    @pytest.fixture
    def new_intents_rig(self, tmp_path: Path) -> Iterator[Callable[[], IntentsRig]]:
        opened: list[SqliteDatabase] = []

        def new() -> IntentsRig:
            database = SqliteDatabase(tmp_path / f"intents{len(opened)}.db")
            opened.append(database)
            bus = SqliteEventBus(database, {Noted: [lambda _: None]})

            def delivered() -> list[Message]:
                rows = database.query("SELECT envelope FROM bus_jobs ORDER BY id")
                return [open_message(decode(bytes(row["envelope"]))) for row in rows]

            return IntentsRig(SqliteIntents(database, bus), SqliteLedger(database), delivered)

        yield new
        for database in opened:
            database.close()


@pytest.fixture(scope="module")
def intents_pool(request: pytest.FixtureRequest) -> Iterator[MySqlPool]:
    """A database of its own, so no relay of another test reads these rows."""
    url = create_database(mariadb(request), "intents_contract")
    pool = MySqlPool.from_url(url)
    apply_migrations(pool)
    yield pool
    pool.close()


class TestOutboxIntents(IntentsContract):
    """Released rows (``held = 0``) are what the relay sends: those are delivered."""

    @pytest.fixture
    def new_intents_rig(self, intents_pool: MySqlPool) -> Callable[[], IntentsRig]:
        def new() -> IntentsRig:
            intents_pool.execute("DELETE FROM outbox")
            outbox = MySqlOutbox(intents_pool)

            def delivered() -> list[Message]:
                rows = intents_pool.query("SELECT payload FROM outbox WHERE held = 0 ORDER BY id")
                return [open_message(decode(bytes(row["payload"]))) for row in rows]

            return IntentsRig(OutboxIntents(outbox, TOPOLOGY), SetLedger(), delivered)

        return new


def test_the_relay_sends_a_held_row_only_once_released(intents_pool: MySqlPool) -> None:
    intents_pool.execute("DELETE FROM outbox")
    outbox = MySqlOutbox(intents_pool)
    sent: list[bytes] = []
    held = OutboxRecord("intents.test", b"k", b"held")
    row_id = outbox.hold(held)
    outbox.append([OutboxRecord("intents.test", b"k", b"plain")])

    def send(records: list[OutboxRecord]) -> None:
        sent.extend(r.payload for r in records)

    assert outbox.relay_batch(send) == 1
    assert sent == [b"plain"]  # the held row waits, and holds nothing up
    assert outbox.release(row_id)
    assert outbox.relay_batch(send) == 1
    assert sent == [b"plain", b"held"]
    assert outbox.pending() == 0


def test_a_release_after_the_sweep_withdrew_too_early_writes_the_row_again(
    intents_pool: MySqlPool,
) -> None:
    """A write slower than the grace: the sweep found nothing and withdrew the row; when the
    write then returns, its process writes the message afresh rather than losing it."""
    intents_pool.execute("DELETE FROM outbox")
    outbox = MySqlOutbox(intents_pool)
    record = OutboxRecord("intents.test", b"k", b"slow")
    row_id = outbox.hold(record)
    outbox.withdraw(row_id)  # the sweep, too early
    assert not outbox.release(row_id, again=record)
    rows = intents_pool.query("SELECT held, payload FROM outbox")
    assert [(r["held"], bytes(r["payload"])) for r in rows] == [(0, b"slow")]
