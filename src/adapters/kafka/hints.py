"""Best-effort hints (``FeedPageShown``) straight to Kafka, around the MySQL outbox.

On the Kafka profile every message is an outbox row written on the request path, so that
nothing acknowledged is lost. A page shown is a ranking hint whose loss nobody can see: an
outbox row per page is a MySQL commit each first page pays for. :class:`KafkaHintSender` is
the handler of a :class:`~instagram_adapters.memory.best_effort.BestEffortLane`: the request
thread appends to the lane's bounded buffer, the lane's one thread hands batches to the
producer here, and nothing waits for the broker's acknowledgement.

While the producer cannot take records (Kafka down, its buffer full) the sender drops hints
for ``pause_seconds`` instead of blocking on every one, so the lane keeps draining and a
shutdown is not held up by a broker that is gone. Everything dropped is counted in
:attr:`KafkaHintSender.lost`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from instagram_adapters.kafka.publisher import KafkaEventBus
from instagram_core.domain.errors import Unavailable
from instagram_core.domain.events import Message

__all__ = ["KafkaHintSender"]

logger = logging.getLogger("instagram.bus")


class KafkaHintSender:
    """Hands each hint to the Kafka producer without waiting for its acknowledgement."""

    def __init__(
        self,
        kafka: KafkaEventBus,
        *,
        pause_seconds: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._kafka = kafka
        self._pause = pause_seconds
        self._monotonic = monotonic
        self._paused_until = float("-inf")
        self._lock = threading.Lock()
        self.lost = 0

    def __call__(self, message: Message) -> None:
        if self._monotonic() < self._paused_until:
            self._lose()
            return
        try:
            self._kafka.publish_unacknowledged(message, self._refused)
        except Unavailable as exc:
            self._paused_until = self._monotonic() + self._pause
            lost = self._lose()
            logger.warning(
                "Kafka cannot take page-shown hints (%r): dropping them for %.0f s; %d lost so far",
                exc,
                self._pause,
                lost,
            )

    def _refused(self, error: BaseException) -> None:
        """The broker refused a record (on the producer's thread): one more hint lost."""
        lost = self._lose()
        if lost == 1 or lost % 1000 == 0:
            logger.warning("page-shown hints lost on Kafka: %d so far (%r)", lost, error)

    def _lose(self) -> int:
        with self._lock:
            self.lost += 1
            return self.lost
