"""The publishing side of the Kafka bus: what API processes and handlers publish through."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence

from kafka import KafkaProducer
from kafka.errors import KafkaError
from kafka.producer.future import FutureRecordMetadata

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
    dropped with a debug log, as the in-process buses drop types without handlers.

    Inside :meth:`deferring` (a consumer's batch of records), ``publish`` on that thread
    returns once the message is handed to the producer; the batch then waits once for every
    acknowledgement before it commits its offsets. Messages are pipelined instead of each
    costing a broker round trip, and none is acknowledged upstream before Kafka has it."""

    def __init__(self, bootstrap_servers: str, topology: Topology) -> None:
        self._topology = topology
        self._bootstrap = bootstrap_servers
        self._producer: KafkaProducer | None = None
        self._lock = threading.Lock()
        self._deferred = threading.local()

    def publish(self, message: Message) -> None:
        route = self._topology.route(type(message))
        if route is None:
            logger.debug("no topic for %s; dropped", type(message).__name__)
            return
        topic, key = self._topology.topic(route.family), self._topology.key(message)
        pending: list[FutureRecordMetadata] | None = getattr(self._deferred, "pending", None)
        if pending is None:
            self.send(topic, key, wrap(message))
            return
        try:
            pending.append(self._open().send(topic, key=key, value=encode(wrap(message))))
        except KafkaError as exc:
            logger.warning("could not publish to %s: %r", topic, exc)
            raise Unavailable("the event bus (Kafka) is unavailable") from exc

    def publish_unacknowledged(
        self, message: Message, on_failure: Callable[[BaseException], object]
    ) -> None:
        """Hand ``message`` to the producer and return without waiting for the broker: for
        hints only (``BEST_EFFORT_MESSAGES``), whose loss nobody can see. A record the broker
        refuses later is reported to ``on_failure``, on the producer's own thread; a
        producer that cannot take it now (no broker, buffer full) raises ``Unavailable``."""
        route = self._topology.route(type(message))
        if route is None:
            logger.debug("no topic for %s; dropped", type(message).__name__)
            return
        topic, key = self._topology.topic(route.family), self._topology.key(message)
        try:
            future = self._open().send(topic, key=key, value=encode(wrap(message)))
        except KafkaError as exc:
            raise Unavailable("the event bus (Kafka) is unavailable") from exc
        future.add_errback(on_failure)

    @contextlib.contextmanager
    def deferring(self) -> Iterator[None]:
        """Defer this thread's acknowledgement waits to :meth:`acknowledge_deferred`; what
        is left unacknowledged when the block ends normally is waited for then (a block
        that raises leaves its records to be read again, so nothing is waited for)."""
        self._deferred.pending = []
        try:
            yield
            if self._deferred.pending:
                _wait_all(self._deferred.pending)
        finally:
            self._deferred.pending = None

    def acknowledge_deferred(self) -> None:
        """Wait until every message this thread published in :meth:`deferring` is
        acknowledged; ``Unavailable`` if any was not (then none may be counted as sent)."""
        pending: list[FutureRecordMetadata] | None = getattr(self._deferred, "pending", None)
        if pending:
            self._deferred.pending = []
            _wait_all(pending)

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


def _wait_all(pending: list[FutureRecordMetadata]) -> None:
    try:
        for future in pending:
            future.get(timeout=SEND_TIMEOUT_SECONDS)
    except KafkaError as exc:
        logger.warning("a deferred publish failed: %r", exc)
        raise Unavailable("the event bus (Kafka) is unavailable") from exc
