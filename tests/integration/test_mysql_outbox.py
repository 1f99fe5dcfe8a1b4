"""The MariaDB outbox: a write and its message commit together, and the relay deletes a row
only once its send returned, one relay at a time."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from instagram_adapters.kafka.envelope import decode, open_message
from instagram_adapters.kafka.outbox import OutboxEventBus, OutboxRelay
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_adapters.kafka.topics import Topology
from instagram_adapters.mysql.errors import Contention
from instagram_adapters.mysql.migrate import apply_migrations
from instagram_adapters.mysql.outbox import MySqlOutbox, OutboxRecord
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.mysql.social_graph import MySqlSocialGraph
from instagram_adapters.mysql.unit_of_work import MySqlUnitOfWork
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import FollowCreated, Message
from instagram_core.domain.social import Follow, FollowStatus
from instagram_core.ports.units import Emit
from tests.mysql_support import create_database, mariadb, register_accounts

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def pool(request: pytest.FixtureRequest) -> Iterator[MySqlPool]:
    pool = MySqlPool.from_url(create_database(mariadb(request), "outbox_test"))
    apply_migrations(pool)
    yield pool
    pool.close()


@pytest.fixture
def bus(pool: MySqlPool) -> OutboxEventBus:
    """The outbox bus with a relay that is never started: rows stay for the test to see."""
    outbox = MySqlOutbox(pool)
    kafka = KafkaEventBus("127.0.0.1:9", Topology())  # never used: nothing is relayed
    return OutboxEventBus(outbox, Topology(), OutboxRelay(outbox, kafka), kafka)


def messages(pool: MySqlPool) -> list[Message]:
    rows = pool.query("SELECT payload FROM outbox ORDER BY id")
    return [open_message(decode(bytes(row["payload"]))) for row in rows]


def edges(pool: MySqlPool) -> int:
    return int(pool.query("SELECT COUNT(*) AS n FROM follows")[0]["n"])


def test_a_follow_and_its_message_commit_together(pool: MySqlPool, bus: OutboxEventBus) -> None:
    register_accounts(pool, "a", "b")
    graph = MySqlSocialGraph(pool)
    unit = MySqlUnitOfWork(pool, bus)

    def follow(emit: Emit) -> None:
        graph.put(Follow("a", "b", FollowStatus.ACTIVE, NOW))
        emit(FollowCreated("a", "b", pending=False))

    unit.run(follow)
    assert edges(pool) == 1
    assert messages(pool) == [FollowCreated("a", "b", pending=False)]


def test_a_unit_that_fails_after_writing_keeps_neither_the_write_nor_the_message(
    pool: MySqlPool, bus: OutboxEventBus
) -> None:
    register_accounts(pool, "a", "b")
    graph = MySqlSocialGraph(pool)
    unit = MySqlUnitOfWork(pool, bus)

    def follow_then_fail(emit: Emit) -> None:
        graph.put(Follow("a", "b", FollowStatus.ACTIVE, NOW))
        emit(FollowCreated("a", "b", pending=False))
        raise Unavailable("the process died before the commit")

    with pytest.raises(Unavailable):
        unit.run(follow_then_fail)
    assert edges(pool) == 0
    assert messages(pool) == []
    counts = pool.query("SELECT following_count FROM users WHERE user_id = 'a'")
    assert counts[0]["following_count"] == 0


def test_contention_reruns_the_whole_unit_and_keeps_one_message(
    pool: MySqlPool, bus: OutboxEventBus
) -> None:
    register_accounts(pool, "a", "b")
    graph = MySqlSocialGraph(pool)
    commits: list[int] = []
    unit = MySqlUnitOfWork(pool, bus, on_commit=lambda: commits.append(1))
    runs: list[int] = []

    def collide_once(emit: Emit) -> None:
        runs.append(1)
        graph.put(Follow("a", "b", FollowStatus.ACTIVE, NOW))
        emit(FollowCreated("a", "b", pending=False))
        if len(runs) == 1:
            raise Contention("deadlock victim")

    unit.run(collide_once)
    assert len(runs) == 2
    assert commits == [1]
    assert edges(pool) == 1
    assert messages(pool) == [FollowCreated("a", "b", pending=False)]


def test_the_relay_deletes_rows_only_after_the_send_returned(pool: MySqlPool) -> None:
    outbox = MySqlOutbox(pool)
    outbox.append([OutboxRecord("t", str(n).encode(), b"p%d" % n) for n in range(5)])

    def broker_down(records: list[OutboxRecord]) -> None:
        raise Unavailable("the event bus (Kafka) is unavailable")

    with pytest.raises(Unavailable):
        outbox.relay_batch(broker_down)
    assert outbox.pending() == 5
    sent: list[bytes] = []
    assert outbox.relay_batch(lambda records: sent.extend(r.payload for r in records), 3) == 3
    assert outbox.relay_batch(lambda records: sent.extend(r.payload for r in records), 3) == 2
    assert sent == [b"p0", b"p1", b"p2", b"p3", b"p4"]  # in order, each once
    assert outbox.pending() == 0
    assert outbox.relay_batch(lambda records: sent.extend(r.payload for r in records)) == 0


def test_relays_take_turns_so_none_sends_a_row_twice_or_out_of_order(pool: MySqlPool) -> None:
    outbox = MySqlOutbox(pool)
    outbox.append([OutboxRecord("t", None, b"first")])
    sending = threading.Event()
    release = threading.Event()
    first: list[bytes] = []

    def slow_send(records: list[OutboxRecord]) -> None:
        sending.set()
        assert release.wait(30)
        first.extend(r.payload for r in records)

    holder = threading.Thread(target=outbox.relay_batch, args=(slow_send,))
    holder.start()
    assert sending.wait(30)
    outbox.append([OutboxRecord("t", None, b"second")])
    other: list[bytes] = []
    # The lease is held: the other relay sends nothing, not even the newer row.
    assert outbox.relay_batch(lambda records: other.extend(r.payload for r in records)) is None
    release.set()
    holder.join(30)
    assert outbox.relay_batch(lambda records: other.extend(r.payload for r in records)) == 1
    assert (first, other) == ([b"first"], [b"second"])


class RecordingKafka:
    """Stands in for the broker: keeps what the relay sent."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send_records(self, records: list[OutboxRecord]) -> None:
        self.sent.extend(r.payload for r in records)


def test_a_relay_started_while_kafka_was_down_prepares_the_topics_before_sending(
    pool: MySqlPool,
) -> None:
    outbox = MySqlOutbox(pool)
    outbox.append([OutboxRecord("t", None, b"waiting")])
    kafka = RecordingKafka()
    tries: list[int] = []

    def create_topics() -> None:
        tries.append(1)
        if len(tries) == 1:
            assert kafka.sent == []  # nothing goes out before the topics exist
            raise Unavailable("Kafka is still down")

    relay = OutboxRelay(
        outbox,
        kafka,  # type: ignore[arg-type]
        idle_seconds=0.01,
        max_backoff_seconds=0.05,
        prepare=create_topics,
    )
    relay.start()
    try:
        deadline = time.monotonic() + 30
        while outbox.pending() and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        relay.stop()
    assert (len(tries), kafka.sent, outbox.pending()) == (2, [b"waiting"], 0)
