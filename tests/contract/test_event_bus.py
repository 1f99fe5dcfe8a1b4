"""The in-process buses, the durable SQLite bus and the Kafka bus (a worker thread on fresh
topics of a real broker, published directly or through the MariaDB outbox and its relay) pass
:class:`~instagram_core.testing.EventBusContract`; below, what they record and log, and what
only some of them do. Thread-based tests wait with ``drain()``, never with sleeps."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from instagram_adapters.kafka.topics import Route
from instagram_adapters.memory.event_bus import DeadLetter, InProcessEventBus, SynchronousEventBus
from instagram_adapters.mysql.migrate import apply_migrations
from instagram_adapters.mysql.pool import MySqlPool
from instagram_adapters.sqlite.database import SqliteDatabase
from instagram_adapters.sqlite.event_bus import SqliteEventBus
from instagram_core.domain.errors import InvalidInput, NotFound, Unavailable
from instagram_core.domain.events import Message
from instagram_core.ports import DeadLetterHook, HandlerMap
from instagram_core.testing.event_bus import (
    EventBusContract,
    Ping,
    Pong,
    RunningBus,
    StartBus,
    Unheard,
    flaky,
)
from tests.kafka_support import KafkaBusHarness
from tests.mysql_support import create_database, mariadb

Handlers = dict[type[Message], list[Callable[[Any], None]]]
Bus = InProcessEventBus | SynchronousEventBus | KafkaBusHarness | SqliteEventBus
MakeBus = Callable[..., Bus]

# Kafka topics for the test messages: Unheard has none, as it has no handler.
ROUTES = {Ping: Route("test", "n"), Pong: Route("test", "n")}


@pytest.fixture(scope="module")
def outbox_pool(request: pytest.FixtureRequest) -> Iterator[MySqlPool]:
    """A database of its own: no other test's outbox rows reach these relays."""
    url = create_database(mariadb(request), "bus_outbox_contract")
    pool = MySqlPool.from_url(url)
    apply_migrations(pool)
    yield pool
    pool.close()


class TestSynchronousEventBus(EventBusContract):
    @pytest.fixture
    def start_event_bus(self) -> StartBus:
        def start(handlers: HandlerMap, hook: DeadLetterHook, attempts: int) -> RunningBus:
            bus = SynchronousEventBus(handlers, max_attempts=attempts, on_dead_letter=hook)
            return RunningBus(bus, lambda: None)

        return start


class TestInProcessEventBus(EventBusContract):
    @pytest.fixture
    def start_event_bus(self) -> Iterator[StartBus]:
        started: list[InProcessEventBus] = []

        def start(handlers: HandlerMap, hook: DeadLetterHook, attempts: int) -> RunningBus:
            bus = InProcessEventBus(
                handlers, max_attempts=attempts, backoff_seconds=0, on_dead_letter=hook
            )
            bus.start()
            started.append(bus)
            return RunningBus(bus, lambda: settle(bus))

        yield start
        for bus in started:
            assert bus.stop(timeout=5)


class TestKafkaEventBus(EventBusContract):
    @pytest.fixture
    def start_event_bus(self, kafka_server: Any) -> Iterator[StartBus]:
        harnesses: list[KafkaBusHarness] = []

        def start(handlers: HandlerMap, hook: DeadLetterHook, attempts: int) -> RunningBus:
            harness = KafkaBusHarness(
                kafka_server.bootstrap_servers,
                handlers,
                ROUTES,
                max_attempts=attempts,
                on_dead_letter=hook,
            )
            harnesses.append(harness)
            return RunningBus(harness, lambda: settle(harness))

        yield start
        for harness in harnesses:
            harness.close()


class TestSqliteEventBus(EventBusContract):
    """The embedded profile's bus, on a file, two workers."""

    @pytest.fixture
    def start_event_bus(self, tmp_path: Path) -> Iterator[StartBus]:
        started: list[tuple[SqliteEventBus, SqliteDatabase]] = []

        def start(handlers: HandlerMap, hook: DeadLetterHook, attempts: int) -> RunningBus:
            database = SqliteDatabase(tmp_path / f"bus{len(started)}.db")
            bus = SqliteEventBus(
                database, handlers, max_attempts=attempts, backoff_seconds=0, on_dead_letter=hook
            )
            bus.start()
            started.append((bus, database))
            return RunningBus(bus, lambda: settle(bus))

        yield start
        for bus, database in started:
            assert bus.stop(timeout=5)
            database.close()


class TestKafkaOutboxEventBus(EventBusContract):
    """Published through the MariaDB outbox, moved to Kafka by its relay."""

    @pytest.fixture
    def start_event_bus(self, kafka_server: Any, outbox_pool: MySqlPool) -> Iterator[StartBus]:
        harnesses: list[KafkaBusHarness] = []

        def start(handlers: HandlerMap, hook: DeadLetterHook, attempts: int) -> RunningBus:
            harness = KafkaBusHarness(
                kafka_server.bootstrap_servers,
                handlers,
                ROUTES,
                max_attempts=attempts,
                on_dead_letter=hook,
                outbox_pool=outbox_pool,
            )
            harnesses.append(harness)
            return RunningBus(harness, lambda: settle(harness))

        yield start
        for harness in harnesses:
            harness.close()


@pytest.fixture(params=["in-process", "synchronous", "sqlite", "kafka", "kafka-outbox"])
def make_bus(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeBus]:
    """Buses of every kind, without backoff delays; in-process and SQLite ones run two
    workers (the SQLite bus on a file, as the embedded profile runs it)."""
    started: list[InProcessEventBus | SqliteEventBus] = []
    harnesses: list[KafkaBusHarness] = []
    databases: list[SqliteDatabase] = []

    def make(handlers: Handlers, max_attempts: int = 3) -> Bus:
        if request.param == "synchronous":
            return SynchronousEventBus(handlers, max_attempts=max_attempts)
        if request.param == "sqlite":
            database = SqliteDatabase(tmp_path / f"bus{len(databases)}.db")
            databases.append(database)
            durable = SqliteEventBus(
                database, handlers, max_attempts=max_attempts, backoff_seconds=0
            )
            durable.start()
            started.append(durable)
            return durable
        if request.param.startswith("kafka"):
            kafka = request.getfixturevalue("kafka_server")
            outbox = request.param == "kafka-outbox"
            harness = KafkaBusHarness(
                kafka.bootstrap_servers,
                handlers,
                ROUTES,
                max_attempts=max_attempts,
                outbox_pool=request.getfixturevalue("outbox_pool") if outbox else None,
            )
            harnesses.append(harness)
            return harness
        bus = InProcessEventBus(handlers, max_attempts=max_attempts, backoff_seconds=0)
        bus.start()
        started.append(bus)
        return bus

    yield make
    for bus in started:
        assert bus.stop(timeout=5)
    for harness in harnesses:
        harness.close()
    for database in databases:
        database.close()


def settle(bus: Bus) -> None:
    if isinstance(bus, InProcessEventBus | SqliteEventBus):
        assert bus.drain(timeout=10)
    elif isinstance(bus, KafkaBusHarness):
        assert bus.drain(timeout=60)


def test_a_message_without_handlers_is_logged_and_dropped(
    make_bus: MakeBus, caplog: pytest.LogCaptureFixture
) -> None:
    bus = make_bus({Ping: [lambda m: None]})
    with caplog.at_level(logging.DEBUG, logger="instagram.bus"):
        bus.publish(Unheard())
        settle(bus)
    assert bus.dead_letters() == []
    assert any("Unheard" in r.getMessage() and r.levelno == logging.DEBUG for r in caplog.records)


def test_the_last_failed_attempt_is_dead_lettered_and_logged(
    make_bus: MakeBus, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[int] = []
    handler = flaky(99, calls)
    bus = make_bus({Ping: [handler]}, max_attempts=3)
    with caplog.at_level(logging.WARNING, logger="instagram.bus"):
        bus.publish(Ping(1))
        settle(bus)
    assert calls == [1, 1, 1]
    [letter] = bus.dead_letters()
    assert letter == DeadLetter(Ping(1), letter.handler, "RuntimeError('flaky failure 3')", 3)
    assert letter.handler.endswith("handle_ping")
    levels = [r.levelno for r in caplog.records if r.name == "instagram.bus"]
    assert levels == [logging.WARNING, logging.WARNING, logging.ERROR]


@pytest.mark.parametrize("bus_class", [InProcessEventBus, SynchronousEventBus])
def test_at_least_one_attempt_is_required(bus_class: type[Bus]) -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        bus_class({}, max_attempts=0)


def test_synchronous_bus_runs_follow_ups_after_the_current_message_fifo() -> None:
    order: list[str] = []
    bus: SynchronousEventBus

    def first(message: Ping) -> None:
        order.append(f"first {message.n}")
        bus.publish(Pong(message.n))
        bus.publish(Pong(message.n + 1))
        order.append(f"first {message.n} done")

    bus = SynchronousEventBus(
        {
            Ping: [first, lambda m: order.append(f"second {m.n}")],
            Pong: [lambda m: order.append(f"pong {m.n}")],
        }
    )
    bus.publish(Ping(1))
    assert order == ["first 1", "first 1 done", "second 1", "pong 1", "pong 2"]


def test_synchronous_bus_requeues_a_retry_behind_waiting_jobs() -> None:
    order: list[str] = []
    calls: list[int] = []
    shaky = flaky(1, calls)

    def record_then_fail_once(message: Ping) -> None:
        order.append(f"shaky {message.n}")
        shaky(message)

    bus: SynchronousEventBus

    def publish_more(message: Ping) -> None:
        order.append("publisher")
        bus.publish(Pong(0))

    bus = SynchronousEventBus(
        {Ping: [publish_more, record_then_fail_once], Pong: [lambda m: order.append("pong")]}
    )
    bus.publish(Ping(1))
    assert order == ["publisher", "shaky 1", "pong", "shaky 1"]


def test_in_process_bus_stop_finishes_queued_work_first() -> None:
    seen: list[int] = []
    bus = InProcessEventBus({Ping: [lambda m: seen.append(m.n)]}, backoff_seconds=0)
    for n in range(200):
        bus.publish(Ping(n))  # before start: they wait for the workers
    bus.start()
    assert bus.stop(timeout=5)
    assert sorted(seen) == list(range(200))


def test_in_process_bus_finishes_follow_ups_published_while_stopping() -> None:
    pongs: list[Pong] = []
    bus = InProcessEventBus(
        {Ping: [lambda m: bus.publish(Pong(m.n))], Pong: [pongs.append]}, backoff_seconds=0
    )
    for n in range(50):
        bus.publish(Ping(n))
    bus.start()
    assert bus.stop(timeout=5)
    assert sorted(p.n for p in pongs) == list(range(50))
    assert bus.dead_letters() == []


def test_in_process_bus_refuses_publish_after_stop() -> None:
    bus = InProcessEventBus({Ping: [lambda m: None]})
    bus.start()
    bus.stop(timeout=5)
    with pytest.raises(Unavailable):
        bus.publish(Ping(1))
    with pytest.raises(Unavailable):
        bus.publish(Unheard())
    with pytest.raises(RuntimeError, match="stopped"):
        bus.start()


def test_in_process_bus_drain_times_out_while_a_job_runs() -> None:
    release = threading.Event()

    def wait_for_release(message: Ping) -> None:
        release.wait(5)

    bus = InProcessEventBus({Ping: [wait_for_release]})
    bus.start()
    bus.start()  # a second start does nothing
    bus.publish(Ping(1))
    assert bus.drain(timeout=0.05) is False
    release.set()
    assert bus.drain(timeout=5)
    assert bus.stop(timeout=5)


def test_in_process_bus_stop_reports_abandoned_work(caplog: pytest.LogCaptureFixture) -> None:
    release = threading.Event()

    def wait_for_release(message: Ping) -> None:
        release.wait(5)

    bus = InProcessEventBus({Ping: [wait_for_release]}, workers=1)
    bus.start()
    bus.publish(Ping(1))
    bus.publish(Ping(2))
    with caplog.at_level(logging.WARNING, logger="instagram.bus"):
        assert bus.stop(timeout=0.05) is False
    release.set()
    assert "abandoned" in caplog.text


def test_in_process_bus_backs_off_without_holding_a_worker() -> None:
    """With one worker and a long backoff, a later message runs before the retry."""
    pong_done = threading.Event()
    pong_seen_by_attempt: list[bool] = []

    def fail_first(message: Ping) -> None:
        pong_seen_by_attempt.append(pong_done.is_set())
        if len(pong_seen_by_attempt) == 1:
            raise RuntimeError("first attempt")

    bus = InProcessEventBus(
        {Ping: [fail_first], Pong: [lambda m: pong_done.set()]}, workers=1, backoff_seconds=0.2
    )
    bus.start()
    bus.publish(Ping(1))
    bus.publish(Pong(2))
    assert bus.drain(timeout=5)
    assert bus.stop(timeout=5)
    assert pong_seen_by_attempt == [False, True]


def test_in_process_bus_spreads_work_over_workers_exactly_once() -> None:
    seen: list[int] = []
    threads: set[str] = set()
    gate = threading.Barrier(4, timeout=5)

    def handle(message: Ping) -> None:
        if message.n < 4:
            gate.wait()  # proves four jobs ran at once, on four workers
        threads.add(threading.current_thread().name)
        seen.append(message.n)

    bus = InProcessEventBus({Ping: [handle]}, workers=4)
    bus.start()
    for n in range(400):
        bus.publish(Ping(n))
    assert bus.drain(timeout=5)
    assert bus.stop(timeout=5)
    assert sorted(seen) == list(range(400))
    assert len(threads) == 4


def test_synchronous_bus_paused_holds_jobs_until_the_block_ends() -> None:
    seen: list[int] = []
    bus = SynchronousEventBus({Ping: [lambda m: seen.append(m.n)]})
    with bus.paused():
        bus.publish(Ping(1))
        with bus.paused():
            bus.publish(Ping(2))
        assert seen == []
    assert seen == [1, 2]
    bus.publish(Ping(3))
    assert seen == [1, 2, 3]


def test_synchronous_bus_paused_by_a_handler_defers_the_rest() -> None:
    seen: list[int] = []
    bus: SynchronousEventBus

    def pause_briefly(message: Ping) -> None:
        with bus.paused():
            seen.append(message.n)
            bus.publish(Pong(message.n))
        seen.append(-message.n)  # the follow-up still waits for this job to finish

    bus = SynchronousEventBus({Ping: [pause_briefly], Pong: [lambda m: seen.append(m.n * 10)]})
    bus.publish(Ping(1))
    assert seen == [1, -1, 10]


@pytest.fixture
def kafka_bootstrap(kafka_server: Any) -> str:
    return str(kafka_server.bootstrap_servers)


@pytest.mark.parametrize("kind", ["synchronous", "kafka"])
def test_messages_of_one_key_are_handled_in_the_order_published(
    kind: str, request: pytest.FixtureRequest
) -> None:
    """Ping and Pong share the key ``n``: each key's messages arrive in publish order,
    whatever the partition, while other keys interleave freely."""
    seen: list[tuple[str, int]] = []

    def record(message: Ping | Pong) -> None:
        seen.append((type(message).__name__, message.n))

    handlers: Handlers = {Ping: [record], Pong: [record]}
    bus: Bus
    if kind == "kafka":
        bus = KafkaBusHarness(request.getfixturevalue("kafka_bootstrap"), handlers, ROUTES)
    else:
        bus = SynchronousEventBus(handlers)
    try:
        for round_ in range(10):
            for n in range(6):
                bus.publish(Ping(n) if round_ % 2 == 0 else Pong(n))
        settle(bus)
    finally:
        if isinstance(bus, KafkaBusHarness):
            bus.close()
    for n in range(6):
        kinds = [name for name, key in seen if key == n]
        assert kinds == ["Ping", "Pong"] * 5


def test_kafka_a_message_in_flight_at_shutdown_is_redelivered(kafka_bootstrap: str) -> None:
    """A worker stopped while a handler runs finishes that record or hands it back
    uncommitted; the next member of the group gets every record, at least once."""
    started = threading.Event()
    release = threading.Event()
    seen: list[int] = []

    def slow(message: Ping) -> None:
        if message.n == 0 and not release.is_set():
            started.set()
            release.wait(10)
        seen.append(message.n)

    bus = KafkaBusHarness(kafka_bootstrap, {Ping: [slow]}, ROUTES, partitions=1)
    try:
        for n in range(5):
            bus.publish(Ping(n))
        assert started.wait(30)
        stopping = threading.Thread(target=bus.stop_worker, args=(0,))
        stopping.start()
        release.set()
        stopping.join(30)
        assert bus.lag() > 0  # the rest was handed back, not committed unhandled
        bus.add_worker()
        settle(bus)
    finally:
        bus.close()
    assert sorted(set(seen)) == list(range(5))
    assert seen.count(0) >= 1


def test_kafka_a_retry_never_holds_its_partition(kafka_bootstrap: str) -> None:
    """With one partition and a long backoff, messages published after a failing one are
    handled before its retry."""
    order: list[str] = []

    def fail_first(message: Ping) -> None:
        order.append(f"ping {message.n}")
        if order.count(f"ping {message.n}") == 1 and message.n == 0:
            raise RuntimeError("first attempt")

    bus = KafkaBusHarness(
        kafka_bootstrap,
        {Ping: [fail_first], Pong: [lambda m: order.append(f"pong {m.n}")]},
        ROUTES,
        partitions=1,
        backoff_seconds=1.0,
    )
    try:
        bus.publish(Ping(0))
        bus.publish(Pong(1))
        settle(bus)
    finally:
        bus.close()
    assert order == ["ping 0", "pong 1", "ping 0"]


def test_kafka_dead_letters_are_replayed_after_a_fix_and_dropped(kafka_bootstrap: str) -> None:
    fixed = threading.Event()
    handled: list[int] = []

    def fragile(message: Ping) -> None:
        if not fixed.is_set():
            raise RuntimeError(f"bug on {message.n}")
        handled.append(message.n)

    bus = KafkaBusHarness(kafka_bootstrap, {Ping: [fragile]}, ROUTES, max_attempts=2)
    try:
        for n in (1, 2):
            bus.publish(Ping(n))
        settle(bus)
        letters = bus.queue.letters()
        assert sorted(((letter.message(), letter.attempts) for letter in letters), key=repr) == [
            (Ping(1), 2),
            (Ping(2), 2),
        ]
        assert {letter.error for letter in letters} == {
            "RuntimeError('bug on 1')",
            "RuntimeError('bug on 2')",
        }
        fixed.set()
        [one] = [letter for letter in letters if letter.message() == Ping(1)]
        [two] = [letter for letter in letters if letter.message() == Ping(2)]
        assert bus.queue.replay([one.id]) == [one]
        settle(bus)
        assert handled == [1]
        assert [letter.id for letter in bus.queue.letters()] == [two.id]
        assert bus.queue.drop() == [two]
        assert bus.queue.letters() == []
        with pytest.raises(InvalidInput, match="no open dead letter"):
            bus.queue.replay([two.id])
    finally:
        bus.close()
    assert handled == [1]


def test_kafka_a_poison_record_is_dead_lettered_whole(kafka_bootstrap: str) -> None:
    """Bytes no release can read do not stop the partition: the record is kept whole as a
    letter and the next message is handled."""
    seen: list[int] = []
    bus = KafkaBusHarness(kafka_bootstrap, {Ping: [lambda m: seen.append(m.n)]}, ROUTES)
    try:
        topic = bus.topology.topic("test")
        bus.bus.send_raw(topic, b"1", b"\xff not an envelope")
        bus.publish(Ping(1))
        settle(bus)
        [letter] = bus.queue.letters()
        assert letter.envelope == b"\xff not an envelope"
        assert letter.handler is None
        assert letter.error.startswith("undecodable envelope")
        assert letter.message() is None
        with pytest.raises(InvalidInput, match="no readable envelope"):
            bus.queue.replay([letter.id])
    finally:
        bus.close()
    assert seen == [1]


def test_kafka_the_dead_letter_hook_hears_every_letter(kafka_bootstrap: str) -> None:
    given_up: list[tuple[Message, str]] = []
    bus = KafkaBusHarness(
        kafka_bootstrap,
        {Ping: [flaky(99, [], NotFound("gone"))]},
        ROUTES,
        on_dead_letter=lambda message, error: given_up.append((message, error)),
    )
    try:
        bus.publish(Ping(4))
        settle(bus)
    finally:
        bus.close()
    assert given_up == [(Ping(4), "NotFound('gone')")]


def test_sqlite_bus_keeps_queued_messages_across_a_restart(tmp_path: Path) -> None:
    """Published while no worker runs (a process stopped, or killed, before handling):
    the next bus on the file handles every message."""
    seen: list[int] = []
    database = SqliteDatabase(tmp_path / "bus.db")
    stopped = SqliteEventBus(database, {Ping: [lambda m: seen.append(m.n)]})
    for n in range(5):
        stopped.publish(Ping(n))
    database.close()
    assert seen == []

    database = SqliteDatabase(tmp_path / "bus.db")
    bus = SqliteEventBus(database, {Ping: [lambda m: seen.append(m.n)]})
    bus.start()
    try:
        assert bus.drain(timeout=10)
    finally:
        bus.stop(timeout=5)
        database.close()
    assert sorted(seen) == list(range(5))


def test_sqlite_bus_redelivers_the_job_of_a_process_that_died(tmp_path: Path) -> None:
    """A job claimed by a process that no longer runs goes back to the queue."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    seen: list[int] = []
    database = SqliteDatabase(tmp_path / "bus.db")
    bus = SqliteEventBus(database, {Ping: [lambda m: seen.append(m.n)]}, poll_seconds=0.05)
    bus.publish(Ping(7))
    database.execute("UPDATE bus_jobs SET claimed_by = ?", (dead.pid,))
    bus.start()
    try:
        assert bus.drain(timeout=10)
    finally:
        bus.stop(timeout=5)
        database.close()
    assert seen == [7]


def test_sqlite_bus_dead_letters_survive_a_restart_and_replay(tmp_path: Path) -> None:
    fixed = threading.Event()
    seen: list[int] = []

    def broken_until_fixed(message: Ping) -> None:
        if not fixed.is_set():
            raise RuntimeError("a bug")
        seen.append(message.n)

    database = SqliteDatabase(tmp_path / "bus.db")
    bus = SqliteEventBus(database, {Ping: [broken_until_fixed]}, max_attempts=2, backoff_seconds=0)
    bus.start()
    bus.publish(Ping(3))
    assert bus.drain(timeout=10)
    bus.stop(timeout=5)
    database.close()

    database = SqliteDatabase(tmp_path / "bus.db")
    bus = SqliteEventBus(database, {Ping: [broken_until_fixed]}, max_attempts=2, backoff_seconds=0)
    try:
        [letter] = bus.dead_letters()
        assert (letter.message, letter.attempts) == (Ping(3), 2)
        assert "a bug" in letter.error
        fixed.set()
        bus.start()
        assert bus.replay_dead_letters() == 1
        assert bus.drain(timeout=10)
        assert seen == [3]
        assert bus.dead_letters() == []
    finally:
        bus.stop(timeout=5)
        database.close()


def test_kafka_a_record_is_committed_only_once_its_follow_ups_are_acknowledged(
    kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A handler's publishes are pipelined (acknowledged once per batch, before the commit).
    When that acknowledgement fails, the batch is not committed: its record is read and
    handled again, and its follow-up is delivered."""
    from instagram_adapters.kafka.publisher import KafkaEventBus

    handled: list[int] = []
    pongs: list[int] = []
    harness: KafkaBusHarness
    failures = [Unavailable("the broker did not acknowledge in time")]
    acknowledge = KafkaEventBus.acknowledge_deferred

    def flaky(self: KafkaEventBus) -> None:
        if failures:
            raise failures.pop()
        acknowledge(self)

    def answer(message: Ping) -> None:
        handled.append(message.n)
        harness.publish(Pong(message.n))

    monkeypatch.setattr(KafkaEventBus, "acknowledge_deferred", flaky)
    harness = KafkaBusHarness(
        kafka_bootstrap, {Ping: [answer], Pong: [lambda m: pongs.append(m.n)]}, ROUTES
    )
    try:
        harness.publish(Ping(7))
        settle(harness)
    finally:
        harness.close()
    assert handled == [7, 7]  # the first handling was never committed
    assert set(pongs) == {7}
