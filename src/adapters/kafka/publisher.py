"""The publishing side of the Kafka bus: what API processes and handlers publish through."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from kafka import KafkaProducer
from kafka.errors import KafkaError

from instagram_adapters.kafka.envelope import Envelope, encode, wrap
from instagram_adapters.kafka.topics import Topology
from instagram_adapters.mysql.outbox import OutboxRecord
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import Message

logger = logging.getLogger("instagram.bus")

SEND_TIMEOUT_SECONDS = 10.0


def make_producer(bootstrap_servers: str) -> KafkaProducer:
    """acks=all and idempotence: a message acknowledged is on every in-sync replica, and a
    retried send is never written twice."""
    return KafkaProducer(
        bootstrap_servers=bootstrap_servers,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        max_block_ms=int(SEND_TIMEOUT_SECONDS * 1000),
    )


class KafkaEventBus:
    """:class:`~instagram_core.ports.EventBus` on Kafka. ``publish`` returns once the broker
    acknowledged the message (so it survives this process); a broker that cannot be reached
    in time raises ``Unavailable``. Message types without a route have no consumer and are
    dropped with a debug log, as the in-process buses drop types without handlers."""

    def __init__(self, bootstrap_servers: str, topology: Topology) -> None:
        self._topology = topology
        self._bootstrap = bootstrap_servers
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()

    def publish(self, message: Message) -> None:
        route = self._topology.route(type(message))
        if route is None:
            logger.debug("no topic for %s; dropped", type(message).__name__)
            return
        self.send(self._topology.topic(route.family), self._topology.key(message), wrap(message))

    def send(self, topic: str, key: bytes | None, envelope: Envelope) -> None:
        self.send_raw(topic, key, encode(envelope))

    def send_raw(self, topic: str, key: bytes | None, value: bytes | None) -> None:
        """Write one record (``None``: a tombstone) and wait for the acknowledgement."""
        try:
            self._open().send(topic, key=key, value=value).get(timeout=SEND_TIMEOUT_SECONDS)
        except KafkaError as exc:
            logger.warning("could not publish to %s: %r", topic, exc)
            raise Unavailable("the event bus (Kafka) is unavailable") from exc

    def send_records(self, records: Sequence[OutboxRecord]) -> None:
        """Write ``records`` in order and wait until the broker acknowledged every one (the
        outbox relay's step: the rows are deleted only after this returns)."""
        try:
            producer = self._open()
            futures = [producer.send(r.topic, key=r.key, value=r.payload) for r in records]
            producer.flush(timeout=SEND_TIMEOUT_SECONDS)
            for future in futures:
                future.get(timeout=SEND_TIMEOUT_SECONDS)
        except KafkaError as exc:
            logger.warning("could not relay %d records: %r", len(records), exc)
            raise Unavailable("the event bus (Kafka) is unavailable") from exc

    def close(self) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=SEND_TIMEOUT_SECONDS)
                self._producer = None

    def _open(self) -> KafkaProducer:
        with self._lock:
            if self._producer is None:
                try:
                    self._producer = make_producer(self._bootstrap)
                except KafkaError as exc:
                    raise Unavailable("the event bus (Kafka) is unavailable") from exc
            return self._producer
