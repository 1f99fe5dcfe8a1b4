"""A Kafka event bus with one worker thread, on fresh topics, for the contract suites;
optionally published through the MySQL outbox and its relay, as the production profile does."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from instagram_adapters.kafka.dead_letters import DeadLetterQueue
from instagram_adapters.kafka.lag import group_lag
from instagram_adapters.kafka.outbox import OutboxEventBus, OutboxRelay
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_adapters.kafka.topics import Route, Topology, ensure_topics
from instagram_adapters.kafka.worker import HandlerMap, KafkaWorker
from instagram_adapters.memory.event_dispatch import DeadLetter
from instagram_adapters.mysql.outbox import MySqlOutbox
from instagram_adapters.mysql.pool import MySqlPool
from instagram_core.domain.events import Message


class KafkaBusHarness:
    """Publisher, dead-letter queue and ``workers`` members of one consumer group, each a
    thread running :meth:`KafkaWorker.run`, on topics under a fresh prefix."""

    def __init__(
        self,
        bootstrap_servers: str,
        handlers: HandlerMap,
        routes: Mapping[type[Message], Route],
        max_attempts: int = 3,
        backoff_seconds: float = 0.0,
        on_dead_letter: Callable[[Message, str], None] | None = None,
        partitions: int = 3,
        workers: int = 1,
        outbox_pool: MySqlPool | None = None,
    ) -> None:
        prefix = f"t{uuid.uuid4().hex[:12]}"
        self.bootstrap = bootstrap_servers
        self.topology = Topology(prefix=prefix, partitions=partitions, routes=routes)
        self.group = f"{prefix}.group"
        ensure_topics(bootstrap_servers, self.topology, [self.group])
        self.bus = KafkaEventBus(bootstrap_servers, self.topology)
        self.queue = DeadLetterQueue(bootstrap_servers, self.topology, self.bus)
        self.outbox: MySqlOutbox | None = None
        self.relay: OutboxRelay | None = None
        self.publisher: KafkaEventBus | OutboxEventBus = self.bus
        if outbox_pool is not None:
            self.outbox = MySqlOutbox(outbox_pool)
            self.relay = OutboxRelay(self.outbox, self.bus)
            self.relay.start()
            self.publisher = OutboxEventBus(self.outbox, self.topology, self.relay, self.bus)
        self._handlers = handlers
        self._worker_args: dict[str, Any] = {
            "max_attempts": max_attempts,
            "backoff_seconds": backoff_seconds,
            "on_dead_letter": on_dead_letter,
        }
        self._members: list[tuple[threading.Event, threading.Thread]] = []
        for _ in range(workers):
            self.add_worker()

    def add_worker(self) -> None:
        worker = KafkaWorker(
            self.bootstrap,
            self.topology,
            self.group,
            self._handlers,
            self.bus,
            **self._worker_args,
        )
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
        thread.start()
        self._members.append((stop, thread))

    def stop_worker(self, index: int = 0, timeout: float = 30) -> None:
        stop, thread = self._members[index]
        stop.set()
        thread.join(timeout)
        assert not thread.is_alive(), "the worker did not stop"

    def publish(self, message: Message) -> None:
        self.publisher.publish(message)

    def lag(self) -> int:
        topics = [*self.topology.family_topics(), self.topology.retry_topic(self.group)]
        return group_lag(self.bootstrap, self.group, topics)

    def drain(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (self.outbox is None or self.outbox.pending() == 0) and self.lag() == 0:
                return True
            time.sleep(0.1)
        return False

    def dead_letters(self) -> list[DeadLetter]:
        letters = []
        for letter in self.queue.letters():
            message = letter.message()
            assert message is not None
            letters.append(DeadLetter(message, letter.handler or "", letter.error, letter.attempts))
        return letters

    def close(self) -> None:
        for index, (_stop, thread) in enumerate(self._members):
            if thread.is_alive():
                self.stop_worker(index)
        if self.relay is not None:
            self.relay.stop()
        self.bus.close()
