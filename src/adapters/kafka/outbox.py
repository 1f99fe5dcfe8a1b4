"""The Kafka bus behind a MySQL outbox: publishing needs MySQL only, a relay feeds Kafka.

:class:`OutboxEventBus` is what services publish to on the production profile: a message
becomes an outbox row (inside the caller's unit of work when one is open, so it commits with
the write it announces), and ``publish`` returns once MySQL has it. So the API accepts
follows, posts and likes while Kafka is down, and nothing acknowledged is lost.

:class:`OutboxRelay` runs in every API and worker process (a thread): any live process
carries the outbox on, with no extra process to deploy. The outbox's lease row makes relays
take turns, one batch at a time in ``id`` order, so they neither reorder nor double-send
while the holder lives. A local publish wakes the local relay at once; other processes'
rows are found by polling every ``idle_seconds``. While Kafka is unreachable the relay
backs off (doubling up to ``max_backoff_seconds``) and the rows wait.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from instagram_adapters.kafka.envelope import encode, wrap
from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_adapters.kafka.topics import Topology
from instagram_adapters.mysql.outbox import DEFAULT_BATCH, MySqlOutbox, OutboxRecord
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import Message

logger = logging.getLogger("instagram.bus")


class OutboxRelay:
    """Moves outbox rows to Kafka until :meth:`stop`; :meth:`wake` after a local publish.

    ``prepare`` (creating the topics) runs before the first send, again after each failure
    until it succeeds: a process started while Kafka was down sets the topics up once the
    broker answers."""

    def __init__(
        self,
        outbox: MySqlOutbox,
        kafka: KafkaEventBus,
        batch: int = DEFAULT_BATCH,
        idle_seconds: float = 0.05,
        max_backoff_seconds: float = 5.0,
        prepare: Callable[[], object] | None = None,
    ) -> None:
        self._prepare = prepare  # run once before the first send (creating the topics)
        self._outbox = outbox
        self._kafka = kafka
        self._batch = batch
        self._idle = idle_seconds
        self._max_backoff = max_backoff_seconds
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-relay", daemon=True)
            self._thread.start()

    def wake(self) -> None:
        self._wakeup.set()

    def stop(self, timeout: float = 15.0) -> None:
        """Stop after the batch in hand (rows not sent stay for the next relay)."""
        self._stopping.set()
        self._wakeup.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def relay_once(self) -> int | None:
        """One batch: how many records went to Kafka, ``None`` if another relay holds the
        lease. Raises ``Unavailable`` when Kafka or MySQL is down (the rows stay)."""
        return self._outbox.relay_batch(self._kafka.send_records, self._batch)

    def _run(self) -> None:
        backoff = self._idle
        while not self._stopping.is_set():
            try:
                if self._prepare is not None:
                    self._prepare()
                    self._prepare = None
                sent = self.relay_once()
            except Unavailable as exc:
                logger.warning("outbox relay: %s; retrying in %.2f s", exc, backoff)
                self._stopping.wait(backoff)
                backoff = min(self._max_backoff, max(backoff * 2, 0.1))
                continue
            except Exception:  # never let the relay thread die: the outbox would stall
                logger.exception("outbox relay failed; retrying in %.2f s", self._max_backoff)
                self._stopping.wait(self._max_backoff)
                continue
            backoff = self._idle
            if sent == self._batch:
                continue  # more may be waiting
            self._wakeup.wait(self._idle)
            self._wakeup.clear()


class OutboxEventBus:
    """:class:`~instagram_core.ports.EventBus` writing to the outbox; see the module doc.

    Message types without a route have no consumer and are dropped with a debug log, as
    :class:`~instagram_adapters.kafka.publisher.KafkaEventBus` drops them."""

    def __init__(
        self, outbox: MySqlOutbox, topology: Topology, relay: OutboxRelay, kafka: KafkaEventBus
    ) -> None:
        self._outbox = outbox
        self._topology = topology
        self._relay = relay
        self.kafka = kafka  # the direct publisher: retries and dead letters go straight to it

    def publish(self, message: Message) -> None:
        route = self._topology.route(type(message))
        if route is None:
            logger.debug("no topic for %s; dropped", type(message).__name__)
            return
        record = OutboxRecord(
            self._topology.topic(route.family),
            self._topology.key(message),
            encode(wrap(message)),
        )
        self._outbox.append([record])
        self._relay.wake()

    def committed(self) -> None:
        """A unit of work committed rows: relay them now rather than at the next poll."""
        self._relay.wake()
